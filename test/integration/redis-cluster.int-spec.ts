import { Job, Queue, Worker } from 'bullmq';
import { Cluster } from 'ioredis';

import { LoginLimiterService } from '../../src/auth/login-limiter.service';
import { Config, loadConfig } from '../../src/config/configuration';
import { bullConnection } from '../../src/queue/redis-connection';
import { QueueName } from '../../src/queue/jobs';
import { createRedisClient, RedisClient } from '../../src/redis/redis-client';
import { assertNoEviction } from '../../src/worker';
import { eventually } from '../helpers/eventually';
import { RedisCluster } from '../helpers/redis-cluster';

/**
 * Every Redis use on a Redis Cluster (issue 17 point 3): REDIS_CLUSTER_NODES selects a cluster
 * client; BullMQ's keys are hash-tagged per queue prefix; the login limiter's script keeps its
 * keys in one slot. Against a real three-master cluster of redis-server processes.
 */
describe('Redis Cluster (integration)', () => {
  let cluster: RedisCluster;
  let redis: RedisClient;
  const clientsToClose: { close(): Promise<void> }[] = [];
  // BullMQ never closes a connection it was handed (a cluster client): these are the test's own.
  const connections: RedisClient[] = [];

  beforeAll(async () => {
    cluster = await RedisCluster.start();
    redis = createRedisClient({ url: 'redis://127.0.0.1', clusterNodes: cluster.nodes });
  }, 60_000);
  afterAll(async () => {
    for (const c of clientsToClose.reverse()) await c.close();
    for (const c of connections) c.disconnect();
    redis.disconnect();
    await cluster.stop();
  });

  it('should connect as a cluster client and spread keys over the three masters', async () => {
    expect(redis).toBeInstanceOf(Cluster);
    const keys = Array.from({ length: 60 }, (_, i) => `spread:${i}`);
    await Promise.all(keys.map((k) => redis.set(k, '1', 'EX', 60)));
    const perMaster = await Promise.all(
      (redis as Cluster).nodes('master').map(async (node) => (await node.keys('spread:*')).length),
    );
    expect(perMaster).toHaveLength(3);
    expect(perMaster.every((n) => n > 0)).toBe(true);
    expect(perMaster.reduce((a, b) => a + b, 0)).toBe(60);
  });

  it("should check every master's eviction policy before the worker starts (a lazy cluster client)", async () => {
    const config = { url: 'redis://127.0.0.1', clusterNodes: cluster.nodes };
    await expect(assertNoEviction(config)).resolves.toBeUndefined();
    const last = cluster.servers[2].port;
    const node = createRedisClient({ url: `redis://127.0.0.1:${last}` });
    try {
      await node.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await expect(assertNoEviction(config)).rejects.toThrow(/"allkeys-lru"; the worker requires/);
    } finally {
      await node.config('SET', 'maxmemory-policy', 'noeviction');
      node.disconnect();
    }
  });

  it("should run every queue's jobs with the hash-tagged prefix, each queue's keys in one slot", async () => {
    const config = { url: 'redis://127.0.0.1', clusterNodes: cluster.nodes };
    const prefix = '{rbtest}';
    const done = new Map<string, string[]>();
    const connection = (): RedisClient => {
      const client = bullConnection(config) as RedisClient;
      connections.push(client);
      return client;
    };
    for (const name of Object.values(QueueName)) {
      const queue = new Queue(name, { connection: connection(), prefix });
      const worker = new Worker(
        name,
        async (job: Job<{ n: number }>) => {
          done.set(name, [...(done.get(name) ?? []), String(job.data.n)]);
        },
        { connection: connection(), prefix },
      );
      clientsToClose.push(queue, worker);
      await queue.add('now', { n: 1 });
      await queue.add('later', { n: 2 }, { delay: 300 });
    }
    await eventually(
      async () =>
        Object.values(QueueName).every((name) => done.get(name)?.length === 2) ? true : undefined,
      20_000,
      'every queue ran its two jobs',
    );
    for (const name of Object.values(QueueName)) {
      expect(done.get(name)?.sort()).toEqual(['1', '2']);
    }
    // Every key of the prefix sits on one master (the slot of "rbtest").
    const holders = await Promise.all(
      (redis as Cluster).nodes('master').map(async (n) => (await n.keys('{rbtest}:*')).length),
    );
    expect(holders.filter((n) => n > 0)).toHaveLength(1);
  }, 60_000);

  it('should keep the login limits atomic on the cluster: of 50 parallel failures for one account, exactly the limit is reserved', async () => {
    const config = loadConfig();
    const limiter = new LoginLimiterService(redis, config as Config);
    const max = config.auth.loginAccountMaxFailures;
    const email = `burst-${Date.now()}@cluster.test`;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => limiter.reserve(`198.51.100.${i + 1}`, email)),
    );
    const reserved = outcomes.filter((o) => o.status === 'fulfilled' && o.value !== undefined);
    const limited = outcomes.filter(
      (o) => o.status === 'rejected' && /RATE_LIMITED|Too many/i.test(JSON.stringify(o.reason)),
    );
    expect(reserved).toHaveLength(max);
    expect(limited).toHaveLength(50 - max);
  });
});
