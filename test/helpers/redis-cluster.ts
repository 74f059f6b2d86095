import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import Redis from 'ioredis';

import { RedisServer } from './redis-server';

const run = promisify(execFile);

/**
 * A private Redis Cluster of redis-server child processes (three masters, optionally a replica
 * each), built with `redis-cli --cluster create`: the machine's shared Redis is never touched.
 * With replicas, a master that stops is failed over to its replica within about a second.
 */
export class RedisCluster {
  private constructor(
    readonly servers: RedisServer[],
    private readonly dir: string,
  ) {}

  /** REDIS_CLUSTER_NODES for this cluster. */
  get nodes(): { host: string; port: number }[] {
    return this.servers.map((s) => ({ host: '127.0.0.1', port: s.port }));
  }

  static async start(masters = 3, replicasPerMaster = 0): Promise<RedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'rb-redis-cluster-'));
    const servers: RedisServer[] = [];
    for (let i = 0; i < masters * (1 + replicasPerMaster); i++) {
      servers.push(
        await RedisServer.start([
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${i}.conf`),
          '--cluster-node-timeout',
          '1000',
          // A replica fails over however long ago it last heard from its master (a test's
          // cluster is idle between commands, which the default factor reads as stale data).
          '--cluster-replica-validity-factor',
          '0',
          '--dir',
          dir,
        ]),
      );
    }
    await run('redis-cli', [
      '--cluster',
      'create',
      ...servers.map((s) => `127.0.0.1:${s.port}`),
      '--cluster-replicas',
      String(replicasPerMaster),
      '--cluster-yes',
    ]);
    const cluster = new RedisCluster(servers, dir);
    await cluster.waitUntilOk();
    return cluster;
  }

  /** The server that is the master of `key`'s slot now (asked of a running node). */
  async masterOf(key: string): Promise<RedisServer> {
    const r = new Redis(this.servers.find((s) => s.running)!.port, '127.0.0.1');
    try {
      const slot = Number(await r.cluster('KEYSLOT', key));
      const ranges = await r.cluster('SLOTS');
      const [, , [, port]] = ranges.find(([from, to]) => slot >= from && slot <= to)!;
      return this.servers.find((s) => s.port === port)!;
    } finally {
      r.disconnect();
    }
  }

  /** Until every running node reports cluster_state:ok (after a failover too). */
  async waitUntilOk(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const states = await Promise.all(
        this.servers
          .filter((s) => s.running)
          .map(async (s) => {
            const r = new Redis(s.port, '127.0.0.1', { lazyConnect: true });
            try {
              await r.connect();
              return /cluster_state:ok/.test(await r.cluster('INFO'));
            } finally {
              r.disconnect();
            }
          }),
      );
      if (states.every(Boolean)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the Redis Cluster did not reach cluster_state:ok');
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
