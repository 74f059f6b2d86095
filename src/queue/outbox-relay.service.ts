import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';

import { Periodic } from '../common/periodic-task';
import { jobDeclaration, QueueName } from './jobs';
import { QueueRepository } from './queue.repository';

const BATCH = 500;
// BullMQ's connection waits for Redis indefinitely; the relay must not hold its claimed rows (and
// a Postgres transaction) that long. The rows simply wait for the next pass.
const ADD_TIMEOUT_MS = 5000;

/**
 * Moves outbox rows to BullMQ. Rows are claimed with FOR UPDATE SKIP LOCKED, so any number of
 * relays can run; a row is marked dispatched only after BullMQ accepted its job, in the same
 * transaction, so Redis being down loses nothing (the rows wait). A crash between the two only
 * re-adds a job: the jobId dedupes it and processors are idempotent.
 */
@Injectable()
export class OutboxRelayService {
  constructor(
    private readonly repo: QueueRepository,
    private readonly moduleRef: ModuleRef,
  ) {}

  @Periodic({ name: 'outbox relay', every: (config) => config.app.outboxPollMs })
  async relay(): Promise<'more' | 'idle'> {
    return (await this.relayOnce()) === BATCH ? 'more' : 'idle';
  }

  /** One pass; returns how many rows were dispatched. */
  async relayOnce(): Promise<number> {
    return this.repo.inTransaction(async (m) => {
      const rows = await this.repo.claimOutboxBatch(m, BATCH);
      if (rows.length === 0) return 0;
      const now = Date.now();
      for (const [queue, jobs] of groupBy(rows, (r) => r.queue)) {
        const added = this.queue(queue).addBulk(
          jobs.map((r) => ({
            name: r.job_name,
            data: r.payload,
            opts: {
              ...jobDeclaration(r.job_name)?.options,
              jobId: r.job_id,
              delay: Math.max(0, r.run_at.getTime() - now),
            },
          })),
        );
        await withTimeout(added, ADD_TIMEOUT_MS, 'Redis did not accept the jobs in time');
      }
      await this.repo.markOutboxDispatched(
        m,
        rows.map((r) => r.id),
      );
      return rows.length;
    });
  }

  private queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)),
  );
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
