import { Inject, Injectable } from '@nestjs/common';

import { Periodic } from '../../common/periodic-task';
import { CONFIG } from '../../config/config.module';
import { Config } from '../../config/configuration';
import { AuditRepository } from './audit.repository';

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
    private readonly repo: AuditRepository,
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
    return this.repo.ensurePartitions(AUDIT_MONTHS_AHEAD);
  }

  /** Drops the partitions wholly older than the retention; returns how many. */
  async retire(): Promise<number> {
    return this.repo.retirePartitions(this.config.audit.retentionMonths);
  }
}
