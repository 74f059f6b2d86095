import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import request from 'supertest';

import { resetConfigCache } from '../../src/config/configuration';
import { JobName, QueueName } from '../../src/queue/jobs';
import { bullConnection } from '../../src/queue/redis-connection';
import { createWorker } from '../../src/worker';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createClient } from '../factories/client.factory';
import { dischargeBody } from '../factories/discharge.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { eventually } from '../helpers/eventually';
import { createIsolatedDatabase, dropIsolatedDatabase } from '../helpers/isolated-database';
import { RedisServer } from '../helpers/redis-server';
import { TEST_ENV } from '../setup/test-env';

const HOUR = 3600_000;
const ALL_STATES = [
  'delayed',
  'wait',
  'active',
  'completed',
  'failed',
  'paused',
  'prioritized',
  'waiting-children',
] as const;
// Short BullMQ locks so that a killed worker's job is picked up again within seconds.
const FAULT_ENV = {
  WORKER_LOCK_DURATION_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  RECONCILE_INTERVAL_MS: '300',
};

/**
 * Faults done to real processes: a private redis-server (stopped, restarted, flushed) under worker
 * child processes (one SIGKILLed mid-job), over a database of this file's own. The machine's shared
 * Redis and Postgres are never stopped or flushed.
 */
describe('follow-up scheduling under faults (integration)', () => {
  let dbUrl: string;
  let redis: RedisServer;
  let t: TestApp;
  let org: TestOrg;
  let worker: INestApplicationContext | undefined;

  // The test's own view of the follow-ups queue on the private Redis: the worker under test may be a
  // child process.
  let followUps: Queue | undefined;
  const queue = (): Queue =>
    (followUps ??= new Queue(QueueName.FollowUps, {
      connection: bullConnection({ url: redis.url }),
      prefix: TEST_ENV.QUEUE_PREFIX,
    }).on('error', () => undefined));
  const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
    t.dataSource.query(sql, params);
  const pendingJobIds = async (): Promise<string[]> =>
    (
      await query<{ job_id: string }>(
        `SELECT j.job_id FROM follow_up_job j JOIN follow_up f ON f.id = j.follow_up_id
         WHERE j.done_at IS NULL AND f.status IN ('requested', 'ready', 'in-progress') ORDER BY j.job_id`,
      )
    ).map((r) => r.job_id);
  const redisJobIds = async (): Promise<string[]> =>
    (await queue().getJobs([...ALL_STATES])).map((j) => j.id!).sort();
  const postDischarge = async (over: Record<string, unknown> = {}) => {
    const clientId = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    return request(t.app.getHttpServer())
      .post(`/api/v1/clients/${clientId}/discharges`)
      .auth(org.peerA1.token, { type: 'bearer' })
      .send(dischargeBody(over));
  };

  /** An ED discharge 30 hours ago: the warm hand-off window has closed, so its escalation is due now. */
  const postOverdueHandoff = async (): Promise<{ handoffId: string; jobId: string }> => {
    const dischargedAt = new Date(Date.now() - 30 * HOUR);
    const res = await postDischarge({
      levelOfCare: 'emergency_department',
      dischargedAt: dischargedAt.toISOString(),
      admittedAt: new Date(dischargedAt.getTime() - HOUR).toISOString(),
    });
    expect(res.status).toBe(201);
    const handoff = res.body.followUps.find((f: { label: string }) => f.label === 'warm-handoff');
    const [{ job_id: jobId }] = await query<{ job_id: string }>(
      `SELECT job_id FROM follow_up_job WHERE follow_up_id = $1 AND job_name = $2`,
      [handoff.id, JobName.FollowUpEscalation],
    );
    return { handoffId: handoff.id, jobId };
  };

  beforeAll(async () => {
    dbUrl = await createIsolatedDatabase('faults');
    redis = await RedisServer.start();
    Object.assign(process.env, { DATABASE_URL: dbUrl, REDIS_URL: redis.url, ...FAULT_ENV });
    resetConfigCache();
    t = await createTestApp();
    org = await createTestOrg(t.app);
  }, 30_000);

  afterAll(async () => {
    await followUps?.close();
    await worker?.close();
    await t?.close();
    await redis?.stop();
    Object.assign(process.env, {
      DATABASE_URL: TEST_ENV.DATABASE_URL,
      REDIS_URL: TEST_ENV.REDIS_URL,
    });
    for (const key of Object.keys(FAULT_ENV)) delete process.env[key];
    resetConfigCache();
    if (dbUrl) await dropIsolatedDatabase(dbUrl);
  }, 30_000);

  const outboxDrained = () =>
    eventually(
      async () =>
        (
          await query<{ n: number }>(
            `SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL`,
          )
        )[0].n === 0
          ? true
          : undefined,
      20_000,
      'outbox drained',
    );

  it('should accept discharges while Redis is down, then give every follow-up its jobs once Redis is back', async () => {
    const child = await startWorkerProcess(); // a worker process of its own, as in production
    try {
      await outboxDrained();
      const before = await pendingJobIds();
      await redis.stop();
      const responses = await Promise.all(Array.from({ length: 5 }, () => postDischarge()));
      expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
      const expected = await pendingJobIds();
      expect(expected).toHaveLength(before.length + 5 * 16);
      const [{ n: waiting }] = await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL`,
      );
      expect(waiting).toBe(5 * 16);

      await redis.start();
      await outboxDrained();
      // Every job exactly once: BullMQ holds one job per id, and no id is missing or extra. (The
      // jobs scheduled before the outage went with the old Redis: the reconciler restores those.)
      const ids = await eventually(
        async () => {
          const inRedis = await redisJobIds();
          return inRedis.length === expected.length ? inRedis : undefined;
        },
        15_000,
        'every job in Redis',
      );
      expect(ids).toEqual(expected);
      const counts = await queue().getJobCounts(...ALL_STATES);
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(expected.length);
    } finally {
      await kill(child);
    }
  }, 60_000);

  it('should restore every pending job when Redis loses its data after scheduling', async () => {
    const child = await startWorkerProcess();
    try {
      const responses = await Promise.all(Array.from({ length: 3 }, () => postDischarge()));
      expect(responses.map((r) => r.status)).toEqual([201, 201, 201]);
      await outboxDrained();
      const expected = await pendingJobIds();
      await eventually(
        async () => ((await redisJobIds()).length === expected.length ? true : undefined),
        15_000,
        'jobs scheduled',
      );
      await redis.flushAll();
      expect(await redisJobIds()).toEqual([]);
      const restored = await eventually(
        async () => {
          const ids = await redisJobIds();
          return ids.length === expected.length ? ids : undefined;
        },
        15_000,
        'jobs restored by the reconciler',
      );
      expect(restored).toEqual(expected);
      for (const id of expected.slice(0, 5))
        expect(await (await queue().getJob(id))!.getState()).toBe('delayed');
    } finally {
      await kill(child);
    }
  }, 60_000);

  it('should run a job again with one effect when its worker is killed in the middle of it', async () => {
    await worker?.close();
    worker = undefined;
    // Passport strategies are process-global and the worker registered its own (with the worker's
    // connection pool, now closed): a fresh API instance registers the API's again.
    await t.close();
    t = await createTestApp();
    const { handoffId, jobId } = await postOverdueHandoff();
    const overdue = () =>
      query<{ recipient_id: string }>(
        `SELECT recipient_id FROM notification WHERE resource_id = $1 AND kind = 'follow-up.overdue'`,
        [handoffId],
      );

    // Hold the job's bookkeeping row: the worker notifies, then blocks marking the job done.
    const blocker = new Client({ connectionString: dbUrl });
    const observer = new Client({ connectionString: dbUrl });
    await blocker.connect();
    await observer.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT 1 FROM follow_up_job WHERE job_id = $1 FOR UPDATE`, [jobId]);
    const child = spawnWorker();
    try {
      const [{ pid }] = await eventually(
        async () => {
          // Asked as the database owner: the application role may not see other sessions.
          const { rows } = await observer.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
               AND query LIKE 'UPDATE follow_up_job SET done_at%'`,
          );
          return rows.length > 0 ? rows : undefined;
        },
        30_000,
        'worker blocked in the middle of the job',
      );
      expect(await overdue()).toEqual([{ recipient_id: org.supervisorA.id }]);
      await kill(child);
      // The dead process's socket is gone; end its server backend as Postgres eventually would.
      await observer.query(`SELECT pg_terminate_backend($1)`, [pid]);
    } finally {
      await kill(child);
      await blocker.query('ROLLBACK');
      await blocker.end();
      await observer.end();
    }
    const [mid] = await query<{ done_at: Date | null }>(
      `SELECT done_at FROM follow_up_job WHERE job_id = $1`,
      [jobId],
    );
    expect(mid.done_at).toBeNull();

    worker = await createWorker();
    await eventually(
      async () => ((await queue().getJobState(jobId)) === 'completed' ? true : undefined),
      20_000,
      'stalled job run again',
    );
    // Read after it completed: a job fetched while still active carries no return value yet.
    const job = await queue().getJob(jobId);
    expect(job?.returnvalue).toBe('done');
    expect(await overdue()).toEqual([{ recipient_id: org.supervisorA.id }]);
    const [after] = await query<{ done_at: Date | null }>(
      `SELECT done_at FROM follow_up_job WHERE job_id = $1`,
      [jobId],
    );
    expect(after.done_at).toBeInstanceOf(Date);
  }, 60_000);

  it('should retry a failing job with exponential backoff, and have one effect once it succeeds', async () => {
    worker ??= await createWorker();
    const owner = new Client({ connectionString: dbUrl });
    await owner.connect();
    try {
      // The escalation's effect is a notification row: while the app role may not write one, the
      // job fails for real (the worker's own statement is refused), and BullMQ retries it.
      await owner.query(`REVOKE INSERT ON notification FROM recovery_bridge_app`);
      const { handoffId, jobId } = await postOverdueHandoff();
      // When each failed attempt is seen (polled every 50 ms).
      const failedAt: number[] = [];
      await eventually(
        async () => {
          const job = await queue().getJob(jobId);
          while (job && failedAt.length < job.attemptsMade) failedAt.push(Date.now());
          return failedAt.length >= 2 ? true : undefined;
        },
        20_000,
        'two failed attempts',
      );
      await owner.query(`GRANT INSERT ON notification TO recovery_bridge_app`);
      await eventually(
        async () => ((await queue().getJobState(jobId)) === 'completed' ? true : undefined),
        20_000,
        'the third attempt completed',
      );
      const doneAt = Date.now();
      const job = await queue().getJob(jobId);
      expect(job?.returnvalue).toBe('done');
      expect(job?.attemptsMade).toBe(3);
      expect(job?.stacktrace).toHaveLength(2);
      expect(job?.stacktrace?.[0]).toMatch(/permission denied/);
      // Exponential backoff from 2 s: about 2 s before the second attempt, 4 s before the third.
      expect(failedAt[1] - failedAt[0]).toBeGreaterThanOrEqual(1800);
      expect(doneAt - failedAt[1]).toBeGreaterThanOrEqual(3600);
      const notified = await query<{ recipient_id: string }>(
        `SELECT recipient_id FROM notification WHERE resource_id = $1 AND kind = 'follow-up.overdue'`,
        [handoffId],
      );
      expect(notified).toEqual([{ recipient_id: org.supervisorA.id }]);
    } finally {
      await owner.query(`GRANT INSERT ON notification TO recovery_bridge_app`);
      await owner.end();
    }
  }, 60_000);
});

function spawnWorker(env: Record<string, string> = {}): ChildProcess {
  const root = join(__dirname, '..', '..');
  return spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(root, 'src', 'worker.ts')],
    {
      cwd: root,
      env: { ...process.env, TS_NODE_PROJECT: join(root, 'tsconfig.json'), ...env },
      stdio: 'ignore',
    },
  );
}

/** A worker process, once its heartbeat says it runs (Postgres and Redis answered, consumers up). */
async function startWorkerProcess(): Promise<ChildProcess> {
  const heartbeat = join(tmpdir(), `rb-faults-${process.pid}-${Date.now()}`);
  const child = spawnWorker({
    WORKER_HEARTBEAT_FILE: heartbeat,
    WORKER_HEARTBEAT_INTERVAL_MS: '200',
  });
  await eventually(
    async () => (existsSync(heartbeat) ? true : undefined),
    30_000,
    'worker process up',
  );
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
