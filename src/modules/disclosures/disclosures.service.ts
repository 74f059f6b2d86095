import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { DisclosurePurpose } from '../../auth/access/consent.sql';
import { AccessService } from '../../auth/access.service';
import { Principal, UserPrincipal } from '../../auth/principal';
import { pageNewestFirst } from '../../common/dto/keyset';
import { PageQuery } from '../../common/dto/page.query';
import { Page, Pager } from '../../common/dto/pagination';
import { actorOf, AuditActor, AuditService } from '../audit/audit.service';
import { preparedQuery } from '../../database/prepared';
import { RECORD_DISCLOSURES } from './disclosure.queries';
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

interface DisclosureRow {
  id: string;
  recipientId: string;
  purpose: string;
  consentId: string;
  resources: DisclosedResource[];
  disclosedAt: Date;
  disclosedAtKey: string;
  correlationId: string | null;
}

/**
 * Part 2 disclosure accounting (SPEC 8): every disclosure to an API client writes one row per
 * client with the resources disclosed, together with the audit events; staff who may read the
 * client (and admins) list them. Rows are kept three years (DisclosurePurgeWorker).
 */
@Injectable()
export class DisclosureService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Records a disclosing act: set-based (a 50-patient search is one statement of 50 rows), in
   * the caller's transaction when `manager` is given. An act that disclosed nothing is audited
   * once, without a client.
   */
  async record(act: DisclosureAct, manager?: EntityManager): Promise<void> {
    const m = manager ?? this.dataSource.manager;
    const a = 'kind' in act.actor ? actorOf(act.actor) : act.actor;
    if (act.disclosures.length === 0) {
      await this.audit.record(m, a, { action: act.action, resourceType: act.resourceType });
      return;
    }
    const rows = act.disclosures.map((d) => ({
      client_id: d.clientId,
      consent_id: d.consentId,
      purpose: d.purpose,
      resources: d.resources,
    }));
    const values = [
      a.organizationId,
      act.recipientId,
      a.correlationId ?? null,
      JSON.stringify(rows),
      a.actorId,
      a.actorType,
      a.actorRole,
      act.action,
      act.resourceType,
      act.resourceId ?? null,
    ];
    // Outside a transaction (a FHIR read or search): prepared, once per pooled connection.
    if (manager) await manager.query(RECORD_DISCLOSURES, values);
    else await preparedQuery(this.dataSource, RECORD_DISCLOSURES, values);
  }

  /** A client's disclosures, newest first (staff who may read the client, and admins). */
  async list(
    actor: UserPrincipal,
    clientId: string,
    query: PageQuery,
  ): Promise<Page<DisclosureResponse>> {
    const pager = new Pager(query, { principal: actor, list: `disclosures:${clientId}` });
    await this.access.requireClient(actor, clientId);
    const qb = this.dataSource.manager
      .createQueryBuilder()
      .select([
        'd.id AS id',
        'd.recipient_id AS "recipientId"',
        'd.purpose AS purpose',
        'd.consent_id AS "consentId"',
        'd.resources AS resources',
        'd.disclosed_at AS "disclosedAt"',
        `to_char(d.disclosed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "disclosedAtKey"`,
        'd.correlation_id AS "correlationId"',
      ])
      .from('disclosure', 'd')
      .where('d.client_id = :clientId', { clientId });
    const rows = await pageNewestFirst(qb, 'd', pager, 'disclosed_at').getRawMany<DisclosureRow>();
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
