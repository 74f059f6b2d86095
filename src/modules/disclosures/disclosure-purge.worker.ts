import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { Periodic } from '../../common/periodic-task';

const PURGE_INTERVAL_MS = 60 * 60_000;
const BATCH = 5000;
/** How long a disclosure's accounting is kept (42 CFR 2.24 asks for three years). */
export const DISCLOSURE_RETENTION_YEARS = 3;

/** Worker only: deletes disclosure rows older than their three years of retention. */
@Injectable()
export class DisclosurePurgeWorker {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Periodic({ name: 'disclosure purge', every: () => PURGE_INTERVAL_MS })
  async purge(): Promise<'more' | 'idle'> {
    return (await this.purgeOnce()) === BATCH ? 'more' : 'idle';
  }

  /** One batch as of `now` (a test moves the clock); returns how many rows were deleted. */
  async purgeOnce(now: Date = new Date()): Promise<number> {
    const [, deleted]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM disclosure WHERE id IN (SELECT id FROM disclosure
         WHERE disclosed_at < $1::timestamptz - make_interval(years => $2) LIMIT ${BATCH})`,
      [now, DISCLOSURE_RETENTION_YEARS],
    );
    return deleted;
  }
}
