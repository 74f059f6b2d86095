import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';

import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import { QueueName } from './jobs';

interface OutboxRow {
  id: string;
  queue: QueueName;
  job_name: string;
  job_id: string;
  payload: Record<string, unknown>;
  run_at: Date;
}

const BATCH = 500;

/**
 * Moves outbox rows to BullMQ. Rows are claimed with FOR UPDATE SKIP LOCKED, so any number of
 * relays can run; a row is marked dispatched only after BullMQ accepted its job, in the same
 * transaction, so Redis being down loses nothing (the rows wait). A crash between the two only
 * re-adds a job: the jobId dedupes it and processors are idempotent.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxRelayService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass; returns how many rows were dispatched. */
  async relayOnce(): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const rows: OutboxRow[] = await m.query(
        `SELECT id, queue, job_name, job_id, payload, run_at FROM outbox
         WHERE dispatched_at IS NULL ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return 0;
      const now = Date.now();
      for (const [queue, jobs] of groupBy(rows, (r) => r.queue)) {
        await this.queue(queue).addBulk(
          jobs.map((r) => ({
            name: r.job_name,
            data: r.payload,
            opts: { jobId: r.job_id, delay: Math.max(0, r.run_at.getTime() - now) },
          })),
        );
      }
      await m.query(`UPDATE outbox SET dispatched_at = now(), attempts = attempts + 1 WHERE id = ANY($1)`, [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => (this.running = undefined));
    }, delayMs);
  }

  private async tick(): Promise<void> {
    let next = this.config.app.outboxPollMs;
    try {
      const moved = await this.relayOnce();
      if (moved === BATCH) next = 0; // more waiting: go again at once
    } catch (err) {
      next = Math.max(next, 2000);
      this.logger.warn({ err: (err as Error).message }, 'outbox relay failed; will retry');
    }
    this.schedule(next);
  }

  private queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
