import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { PeriodicTask } from '../periodic-task';

const PURGE_INTERVAL_MS = 15 * 60_000;
const BATCH = 5000;
/** How long an `Idempotency-Key` answers with its first response (or keeps its request from running again). */
export const IDEMPOTENCY_RETENTION_HOURS = 24;

/**
 * Worker only: deletes idempotency keys, whatever their state, after their retention. Their stored
 * responses hold client data (sealed with AES-256-GCM under a server key, but data all the same),
 * which is kept where it belongs (the records), not in a replay cache forever; an in-flight key
 * that old belongs to a request that died a day ago.
 */
@Injectable()
export class IdempotencyPurgeWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.task = new PeriodicTask(
      'idempotency purge',
      async () => ((await this.purgeOnce()) === BATCH ? 'more' : 'idle'),
      PURGE_INTERVAL_MS,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  /** One batch; returns how many keys were deleted. */
  async purgeOnce(): Promise<number> {
    const [, deleted]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM idempotency_key WHERE ctid IN (SELECT ctid FROM idempotency_key
         WHERE created_at < now() - make_interval(hours => $1) LIMIT ${BATCH})`,
      [IDEMPOTENCY_RETENTION_HOURS],
    );
    return deleted;
  }
}
