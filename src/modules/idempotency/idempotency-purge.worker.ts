import { Injectable } from '@nestjs/common';

import { Periodic } from '../../common/periodic-task';
import { IdempotencyRepository } from './idempotency.repository';

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
  constructor(private readonly keys: IdempotencyRepository) {}

  @Periodic({ name: 'idempotency purge', every: () => PURGE_INTERVAL_MS })
  async purge(): Promise<'more' | 'idle'> {
    return (await this.purgeOnce()) === BATCH ? 'more' : 'idle';
  }

  /** One batch; returns how many keys were deleted. */
  async purgeOnce(): Promise<number> {
    return this.keys.purgeOlderThan(IDEMPOTENCY_RETENTION_HOURS, BATCH);
  }
}
