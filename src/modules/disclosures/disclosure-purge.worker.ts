import { Injectable } from '@nestjs/common';

import { Periodic } from '../../common/periodic-task';
import { DisclosureRepository } from './disclosure.repository';

const PURGE_INTERVAL_MS = 60 * 60_000;
const BATCH = 5000;
/** How long a disclosure's accounting is kept (42 CFR 2.24 asks for three years). */
export const DISCLOSURE_RETENTION_YEARS = 3;

/** Worker only: deletes disclosure rows older than their three years of retention. */
@Injectable()
export class DisclosurePurgeWorker {
  constructor(private readonly repo: DisclosureRepository) {}

  @Periodic({ name: 'disclosure purge', every: () => PURGE_INTERVAL_MS })
  async purge(): Promise<'more' | 'idle'> {
    return (await this.purgeOnce()) === BATCH ? 'more' : 'idle';
  }

  /** One batch as of `now` (a test moves the clock); returns how many rows were deleted. */
  async purgeOnce(now: Date = new Date()): Promise<number> {
    return this.repo.purgeOlderThan(now, DISCLOSURE_RETENTION_YEARS, BATCH);
  }
}
