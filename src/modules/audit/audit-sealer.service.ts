import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

const BATCH = 5000;

/**
 * Links committed audit events into each organization's hash chain (`audit_event_seal`, under a
 * per-organization lock). Writers never wait for the chain; the worker seals continuously and
 * verification seals first.
 */
@Injectable()
export class AuditSealerService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Seals every pending event of one organization; returns how many. */
  async sealOrganization(organizationId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const [{ sealed }] = await this.dataSource.query(
        `SELECT audit_event_seal($1, $2) AS sealed`,
        [organizationId, BATCH],
      );
      total += sealed;
      if (sealed < BATCH) return total;
    }
  }

  /** One pass over every organization with pending events. */
  async sealAll(): Promise<number> {
    const orgs: { organization_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT organization_id FROM audit_event WHERE seq IS NULL`,
    );
    let total = 0;
    for (const { organization_id } of orgs) total += await this.sealOrganization(organization_id);
    return total;
  }
}
