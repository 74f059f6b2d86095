import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import request from 'supertest';

import { resetConfigCache } from '../../src/config/configuration';
import { QueueName } from '../../src/queue/jobs';
import { bullConnection } from '../../src/queue/redis-connection';
import { RedisClient } from '../../src/redis/redis-client';
import { createWorker } from '../../src/worker';
import { createClient } from '../factories/client.factory';
import { dischargeBody } from '../factories/discharge.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { eventually } from '../helpers/eventually';
import { createIsolatedDatabase, dropIsolatedDatabase } from '../helpers/isolated-database';
import { RedisCluster } from '../helpers/redis-cluster';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { TEST_ENV } from '../setup/test-env';

const STATES = ['delayed', 'wait', 'active', 'completed', 'failed', 'prioritized'] as const;
const FAILOVER_ENV = {
  RECONCILE_INTERVAL_MS: '300',
  WORKER_LOCK_DURATION_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
};

/**
 * Issue 17 point 3: the master that holds the queues' slot fails over to its replica while
 * discharges are recorded, on a three-master cluster with a replica each (redis-server child
 * processes), under the API and a worker. Every acknowledged discharge keeps its follow-ups
 * (Postgres, written with the discharge) and, once the cluster is whole again, every follow-up's
 * jobs (the outbox dispatches what it could not; the reconciler restores what the failover lost,
 * asynchronous replication being allowed to lose the master's last writes).
 */
describe('Redis Cluster failover (integration)', () => {
  let dbUrl: string;
  let cluster: RedisCluster;
  let connection: RedisClient;
  let followUps: Queue;
  let t: TestApp;
  let org: TestOrg;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    dbUrl = await createIsolatedDatabase('failover');
    cluster = await RedisCluster.start(3, 1);
    const clusterNodes = cluster.servers.map((s) => `127.0.0.1:${s.port}`).join(',');
    Object.assign(process.env, {
      DATABASE_URL: dbUrl,
      REDIS_URL: 'redis://127.0.0.1',
      REDIS_CLUSTER_NODES: clusterNodes,
      ...FAILOVER_ENV,
    });
    resetConfigCache();
    t = await createTestApp();
    org = await createTestOrg(t.app);
    worker = await createWorker();
    connection = bullConnection({
      url: 'redis://127.0.0.1',
      clusterNodes: cluster.nodes,
    }) as RedisClient;
    followUps = new Queue(QueueName.FollowUps, {
      connection,
      prefix: `{${TEST_ENV.QUEUE_PREFIX}}`,
    }).on('error', () => undefined);
  }, 60_000);

  afterAll(async () => {
    await followUps?.close();
    connection?.disconnect();
    await worker?.close();
    await t?.close();
    await cluster?.stop();
    Object.assign(process.env, {
      DATABASE_URL: TEST_ENV.DATABASE_URL,
      REDIS_URL: TEST_ENV.REDIS_URL,
    });
    for (const key of ['REDIS_CLUSTER_NODES', ...Object.keys(FAILOVER_ENV)])
      delete process.env[key];
    resetConfigCache();
    if (dbUrl) await dropIsolatedDatabase(dbUrl);
  }, 30_000);

  const recordDischarge = async (): Promise<{ status: number; id?: string }> => {
    const clientId = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    const res = await request(t.app.getHttpServer())
      .post(`/api/v1/clients/${clientId}/discharges`)
      .auth(org.peerA1.token, { type: 'bearer' })
      .send(dischargeBody());
    return { status: res.status, id: res.body.id };
  };

  it('should lose no follow-up when the queues’ master fails over while discharges are recorded', async () => {
    const results: { status: number; id?: string }[] = [];
    for (let i = 0; i < 5; i++) results.push(await recordDischarge());
    const master = await cluster.masterOf(`{${TEST_ENV.QUEUE_PREFIX}}`);
    const killed = master.stop(); // SIGKILL: no goodbye to the cluster, no last write replicated
    for (let i = 0; i < 10; i++) {
      results.push(await recordDischarge());
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await killed;
    // Every node may still say cluster_state:ok until the failure is detected (a node timeout of
    // 1 s, then the replica's election): wait for the slot to change hands first.
    const promoted = await eventually(
      async () => {
        const now = await cluster.masterOf(`{${TEST_ENV.QUEUE_PREFIX}}`);
        return now !== master ? now : undefined;
      },
      30_000,
      'a replica to take over the queues’ slot',
    );
    await cluster.waitUntilOk();
    expect(promoted.port).not.toBe(master.port);
    for (let i = 0; i < 5; i++) results.push(await recordDischarge());

    // A discharge needs Postgres only: every one was acknowledged, through the failover too.
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    const discharges = results.map((r) => r.id!);
    const expected: string[] = (
      await t.dataSource.query(
        `SELECT j.job_id FROM follow_up_job j JOIN follow_up f ON f.id = j.follow_up_id
         WHERE f.discharge_id = ANY ($1) AND j.done_at IS NULL ORDER BY j.job_id`,
        [discharges],
      )
    ).map((r: { job_id: string }) => r.job_id);
    const [{ n: withoutTasks }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM unnest($1::uuid[]) d(id)
       WHERE NOT EXISTS (SELECT 1 FROM follow_up f WHERE f.discharge_id = d.id)`,
      [discharges],
    );
    expect(withoutTasks).toBe(0);
    // Every follow-up's jobs are on the new master: dispatched late or restored, none twice.
    const inRedis = await eventually(
      async () => {
        const ids = (await followUps.getJobs([...STATES])).map((j) => j.id!);
        return expected.every((id) => ids.includes(id)) ? ids : undefined;
      },
      30_000,
      'every follow-up job on the cluster after the failover',
    );
    expect(new Set(inRedis).size).toBe(inRedis.length);
    // The reconciler may restore a job before the relay, retrying, dispatches its outbox row: the
    // row goes out all the same (the job id dedupes it).
    await eventually(
      async () => {
        const [{ n }] = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL`,
        );
        return n === 0 ? true : undefined;
      },
      30_000,
      'the outbox dispatched after the failover',
    );
  }, 120_000);
});
