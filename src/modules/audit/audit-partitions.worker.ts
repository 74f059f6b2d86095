import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { Periodic } from '../../common/periodic-task';
import { CONFIG } from '../../config/config.module';
import { Config } from '../../config/configuration';

const EVERY_MS = 6 * 3600_000;
/** Months of partitions kept ready ahead of the current one. */
export const AUDIT_MONTHS_AHEAD = 3;

/**
 * Worker only: keeps the audit trail's monthly partitions ahead of time and retires those older
 * than the retention (`AUDIT_RETENTION_MONTHS`), recording each organization's last link in them
 * first (`audit_event_retire`). Both run as the table's owner, under one lock across workers.
 */
@Injectable()
export class AuditPartitionsWorker {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Periodic({ name: 'audit partitions', every: () => EVERY_MS })
  async maintain(): Promise<'idle'> {
    await this.ensureAhead();
    await this.retire();
    return 'idle';
  }

  /** Creates the coming months' partitions; returns how many were new. */
  async ensureAhead(): Promise<number> {
    const [{ created }] = await this.dataSource.query(
      `SELECT audit_event_ensure_partitions($1) AS created`,
      [AUDIT_MONTHS_AHEAD],
    );
    return created;
  }

  /** Drops the partitions wholly older than the retention; returns how many. */
  async retire(): Promise<number> {
    const [{ retired }] = await this.dataSource.query(
      `SELECT audit_event_retire(make_interval(months => $1)) AS retired`,
      [this.config.audit.retentionMonths],
    );
    return retired;
  }
}
