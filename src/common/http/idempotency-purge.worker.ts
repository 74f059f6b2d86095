import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { Periodic } from '../periodic-task';

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
export class IdempotencyPurgeWorker {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Periodic({ name: 'idempotency purge', every: () => PURGE_INTERVAL_MS })
  async purge(): Promise<'more' | 'idle'> {
    return (await this.purgeOnce()) === BATCH ? 'more' : 'idle';
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
