import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import Redis from 'ioredis';

import { RedisServer } from './redis-server';

const run = promisify(execFile);

/**
 * A private three-master Redis Cluster (no replicas) of redis-server child processes, built with
 * `redis-cli --cluster create`: the machine's shared Redis is never touched.
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

  static async start(masters = 3): Promise<RedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'rb-redis-cluster-'));
    const servers: RedisServer[] = [];
    for (let i = 0; i < masters; i++) {
      servers.push(
        await RedisServer.start([
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${i}.conf`),
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
      '0',
      '--cluster-yes',
    ]);
    const cluster = new RedisCluster(servers, dir);
    await cluster.waitUntilOk();
    return cluster;
  }

  async waitUntilOk(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const states = await Promise.all(
        this.servers.map(async (s) => {
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
