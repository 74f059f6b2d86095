import { Injectable } from '@nestjs/common';

import { AuditRepository } from './audit.repository';

const BATCH = 5000;

/**
 * Links committed audit events into each organization's hash chain (`audit_event_seal`, under a
 * per-organization lock). Writers never wait for the chain; the worker seals continuously and
 * verification seals first.
 */
@Injectable()
export class AuditSealerService {
  constructor(private readonly repo: AuditRepository) {}

  /** Seals every pending event of one organization; returns how many. */
  async sealOrganization(organizationId: string): Promise<number> {
    let total = 0;
    for (;;) {
      const sealed = await this.repo.sealPending(organizationId, BATCH);
      total += sealed;
      if (sealed < BATCH) return total;
    }
  }

  /** One pass over every organization with pending events. */
  async sealAll(): Promise<number> {
    const orgs = await this.repo.organizationsWithPendingEvents();
    let total = 0;
    for (const organizationId of orgs) total += await this.sealOrganization(organizationId);
    return total;
  }
}
