import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';

import { resetConfigCache } from '../../src/config/configuration';
import { JobName, QueueName } from '../../src/queue/jobs';
import { OutboxRelayService } from '../../src/queue/outbox-relay.service';
import { QueueRepository } from '../../src/queue/queue.repository';
import { createWorker } from '../../src/worker';
import { createIsolatedDatabase, dropIsolatedDatabase } from '../helpers/isolated-database';
import { TEST_ENV } from '../setup/test-env';

const ROWS = 1_800; // more than three of a relay's batches

/**
 * Several relays at once (SPEC: safe with several relays running): the worker's own, and four more
 * passes in parallel from a second relay instance, over a database and a queue prefix of this
 * file's own. Each row must be claimed by exactly one relay, and each job handed to BullMQ once.
 */
describe('outbox relays running concurrently (integration)', () => {
  let dbUrl: string;
  let worker: INestApplicationContext;
  let ds: DataSource;

  beforeAll(async () => {
    dbUrl = await createIsolatedDatabase('relays');
    Object.assign(process.env, {
      DATABASE_URL: dbUrl,
      QUEUE_PREFIX: 'rbtest-relays',
      OUTBOX_POLL_MS: '10',
    });
    resetConfigCache();
    worker = await createWorker();
    ds = worker.get(DataSource);
  }, 30_000);

  afterAll(async () => {
    const queue = worker.get<Queue>(getQueueToken(QueueName.FollowUps), { strict: false });
    await queue.obliterate({ force: true });
    await worker.close();
    Object.assign(process.env, {
      DATABASE_URL: TEST_ENV.DATABASE_URL,
      QUEUE_PREFIX: TEST_ENV.QUEUE_PREFIX,
      OUTBOX_POLL_MS: TEST_ENV.OUTBOX_POLL_MS,
    });
    resetConfigCache();
    await dropIsolatedDatabase(dbUrl);
  }, 30_000);

  it('should dispatch every row once, each job handed to BullMQ once, however many relays claim', async () => {
    const queue = worker.get<Queue>(getQueueToken(QueueName.FollowUps), { strict: false });
    const handed: string[] = [];
    const addBulk = queue.addBulk.bind(queue);
    jest.spyOn(queue, 'addBulk').mockImplementation(async (jobs) => {
      handed.push(...jobs.map((j) => j.opts!.jobId!));
      return addBulk(jobs);
    });
    const second = new OutboxRelayService(new QueueRepository(ds), worker.get(ModuleRef));
    // Delayed a day: the jobs wait in Redis and never run in this test.
    await ds.query(
      `INSERT INTO outbox (queue, job_name, job_id, payload, run_at)
       SELECT $1, $2, 'relay-test.' || i, jsonb_build_object('n', i), now() + interval '1 day'
       FROM generate_series(1, ${ROWS}) AS i`,
      [QueueName.FollowUps, JobName.FollowUpReminder],
    );
    const drain = async (): Promise<void> => {
      while ((await second.relayOnce()) > 0);
    };
    await Promise.all([drain(), drain(), drain(), drain()]);
    await new Promise((r) => setTimeout(r, 200)); // the worker's own relay finishes its pass
    const [rows] = await ds.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE dispatched_at IS NULL)::int AS waiting,
              max(attempts)::int AS most FROM outbox WHERE job_id LIKE 'relay-test.%'`,
    );
    expect(rows).toEqual({ n: ROWS, waiting: 0, most: 1 });
    expect(handed).toHaveLength(ROWS);
    expect(new Set(handed).size).toBe(ROWS);
    expect(await queue.getDelayedCount()).toBe(ROWS);
  }, 60_000);
});
