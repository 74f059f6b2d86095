import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { DisclosurePurpose } from '../../auth/access/consent.sql';
import { AccessService } from '../../auth/access.service';
import { Principal, UserPrincipal } from '../../auth/principal';
import { PageQuery } from '../../common/dto/page.query';
import { Page, Pager } from '../../common/dto/pagination';
import { actorOf, AuditActor, AuditService } from '../audit/audit.service';
import { DisclosureRepository, DisclosureRow } from './disclosure.repository';
import { DisclosedResource, DisclosureResponse } from './dto/disclosure.dto';

/** What of one client was disclosed to an API client, and under which consent. */
export interface Disclosure {
  clientId: string;
  consentId: string;
  purpose: DisclosurePurpose;
  resources: DisclosedResource[];
}

/** One disclosing act (a FHIR read or search, a webhook delivery) and what it disclosed. */
export interface DisclosureAct {
  /** Who is audited: the API client reading, or the worker delivering for it. */
  actor: AuditActor | Principal;
  /** The API client the records go to. */
  recipientId: string;
  /** The audit action (`fhir.read`, `fhir.search`, `webhook.deliver` ...). */
  action: string;
  resourceType: string;
  resourceId?: string | null;
  disclosures: readonly Disclosure[];
}

/**
 * Part 2 disclosure accounting (SPEC 8): every disclosure to an API client writes one row per
 * client with the resources disclosed, together with the audit events; staff who may read the
 * client (and admins) list them. Rows are kept three years (DisclosurePurgeWorker).
 */
@Injectable()
export class DisclosureService {
  constructor(
    private readonly repo: DisclosureRepository,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Records a disclosing act: set-based (a 50-patient search is one statement of 50 rows), in
   * the caller's transaction when `manager` is given. An act that disclosed nothing is audited
   * once, without a client.
   */
  async record(act: DisclosureAct, manager?: EntityManager): Promise<void> {
    const a = 'kind' in act.actor ? actorOf(act.actor) : act.actor;
    if (act.disclosures.length === 0) {
      const entry = { action: act.action, resourceType: act.resourceType };
      if (manager) await this.audit.record(manager, a, entry);
      else await this.audit.recordNow(a, entry);
      return;
    }
    const rows = act.disclosures.map((d) => ({
      client_id: d.clientId,
      consent_id: d.consentId,
      purpose: d.purpose,
      resources: d.resources,
    }));
    await this.repo.insertDisclosures(manager ?? null, {
      actor: a,
      recipientId: act.recipientId,
      action: act.action,
      resourceType: act.resourceType,
      resourceId: act.resourceId ?? null,
      rows,
    });
  }

  /** A client's disclosures, newest first (staff who may read the client, and admins). */
  async list(
    actor: UserPrincipal,
    clientId: string,
    query: PageQuery,
  ): Promise<Page<DisclosureResponse>> {
    const pager = new Pager(query, { principal: actor, list: `disclosures:${clientId}` });
    await this.access.requireClient(actor, clientId);
    const rows = await this.repo.listForClient(clientId, pager);
    await this.audit.recordNow(actor, {
      action: 'disclosure.list',
      clientId,
      resourceType: 'Disclosure',
    });
    return pager.page(rows, (r) => ({ key: r.disclosedAtKey, id: r.id }), toDisclosureResponse);
  }
}

const toDisclosureResponse = (r: DisclosureRow): DisclosureResponse => ({
  id: r.id,
  recipientId: r.recipientId,
  purpose: r.purpose,
  consentId: r.consentId,
  resources: r.resources,
  disclosedAt: r.disclosedAt.toISOString(),
  correlationId: r.correlationId,
});
