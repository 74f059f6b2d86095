import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { pageNewestFirst } from '../../common/dto/keyset';
import { Pager } from '../../common/dto/pagination';
import { preparedQuery } from '../../database/prepared';
import { AuditActor } from '../audit/audit.service';
import { RECORD_DISCLOSURES } from './disclosure.queries';
import { DisclosedResource } from './dto/disclosure.dto';

/** A disclosure row to write (RECORD_DISCLOSURES's JSON shape). */
export interface DisclosureInsertRow {
  client_id: string;
  consent_id: string;
  purpose: string;
  resources: DisclosedResource[];
}

/** The act the rows belong to, with its audited actor. */
export interface DisclosureActRow {
  actor: AuditActor;
  recipientId: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  rows: DisclosureInsertRow[];
}

export interface DisclosureRow {
  id: string;
  recipientId: string;
  purpose: string;
  consentId: string;
  resources: DisclosedResource[];
  disclosedAt: Date;
  disclosedAtKey: string;
  correlationId: string | null;
}

/** The disclosures module's data access: the accounting rows, their listing and their purge. */
@Injectable()
export class DisclosureRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The act's disclosure rows and audit events in ONE statement: in the caller's transaction when
   * `manager` is given, else prepared, once per pooled connection (a FHIR read or search).
   */
  async insertDisclosures(manager: EntityManager | null, act: DisclosureActRow): Promise<void> {
    const a = act.actor;
    const values = [
      a.organizationId,
      act.recipientId,
      a.correlationId ?? null,
      JSON.stringify(act.rows),
      a.actorId,
      a.actorType,
      a.actorRole,
      act.action,
      act.resourceType,
      act.resourceId,
    ];
    if (manager) await manager.query(RECORD_DISCLOSURES, values);
    else await preparedQuery(this.dataSource, RECORD_DISCLOSURES, values);
  }

  /** A client's disclosures, newest first, a page at a time. */
  listForClient(clientId: string, pager: Pager): Promise<DisclosureRow[]> {
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
    return pageNewestFirst(qb, 'd', pager, 'disclosed_at').getRawMany<DisclosureRow>();
  }

  /** Deletes up to `batch` rows disclosed more than `years` before `now`; gives how many. */
  async purgeOlderThan(now: Date, years: number, batch: number): Promise<number> {
    const [, deleted]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM disclosure WHERE id IN (SELECT id FROM disclosure
         WHERE disclosed_at < $1::timestamptz - make_interval(years => $2) LIMIT ${batch})`,
      [now, years],
    );
    return deleted;
  }
}
