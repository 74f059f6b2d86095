import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { clientScope } from '../../auth/access/scope.sql';
import { Principal } from '../../auth/principal';
import { pageNewestFirst } from '../../common/dto/keyset';
import { Pager } from '../../common/dto/pagination';
import { DEFAULT_REFERRAL_FOLLOW_UP_DAYS } from './referral-follow-up';
import { REFERRAL_COLUMNS, ReferralOutRow } from './referral-out.queries';
import { ReferralStatus } from './referral-status';

const OPEN_TASK = `('requested', 'ready', 'in-progress', 'on-hold')`;

/** A referral as sent. */
export interface NewReferral {
  organizationId: string;
  clientId: string;
  resourceId: string;
  need: string;
  reason: string;
  resentFromId: string | null;
  sentById: string;
}

/** What the connection-check task is made of (the referral row is locked). */
export interface ReferralForTask {
  clientId: string;
  status: ReferralStatus;
  sentAt: Date;
  dueAt: Date;
  ownerId: string | null;
  clientStatus: string;
}

/** A referral's connection-check task as the worker writes it. */
export interface NewReferralTask {
  organizationId: string;
  clientId: string;
  label: string;
  status: string;
  dueAt: Date;
  windowStart: Date;
  windowEnd: Date;
  ownerId: string | null;
  referralOutId: string;
  statusReason: string | null;
}

/** Every statement of referrals out, their history and their connection-check task. */
@Injectable()
export class ReferralOutRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The primary's manager, for the reads a request makes outside a write. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** `work` in a transaction of its own (a worker's write outside a unit of work). */
  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** True when the resource is an active resource of the organization's directory. */
  async isActiveResource(
    m: EntityManager,
    resourceId: string,
    organizationId: string,
  ): Promise<boolean> {
    const [resource] = await m.query(
      `SELECT 1 FROM community_resource WHERE id = $1 AND organization_id = $2 AND active`,
      [resourceId, organizationId],
    );
    return !!resource;
  }

  /** The referral, due for its connection check after the organization's number of days. */
  async insertReferral(m: EntityManager, r: NewReferral): Promise<{ id: string; sent_at: Date }> {
    const [row] = await m.query(
      `INSERT INTO referral_out (organization_id, client_id, resource_id, need, reason, resent_from_id,
           sent_by_id, status_changed_by_id, follow_up_due_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $7, now() + make_interval(days =>
           COALESCE((o.settings->>'referralFollowUpDays')::int, ${DEFAULT_REFERRAL_FOLLOW_UP_DAYS}))
           FROM organization o WHERE o.id = $1
         RETURNING id, sent_at`,
      [r.organizationId, r.clientId, r.resourceId, r.need, r.reason, r.resentFromId, r.sentById],
    );
    return row;
  }

  /** One entry of the referral's status history. */
  async insertEvent(
    m: EntityManager,
    organizationId: string,
    id: string,
    status: ReferralStatus,
    actorId: string,
    at: Date,
  ): Promise<void> {
    await m.query(
      `INSERT INTO referral_out_event (organization_id, referral_out_id, status, actor_id, occurred_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [organizationId, id, status, actorId, at],
    );
  }

  /** The status of a referral of this client, locked until commit; undefined when none. */
  async lockClientReferralStatus(
    m: EntityManager,
    id: string,
    clientId: string,
  ): Promise<{ status: string } | undefined> {
    const [previous] = await m.query(
      `SELECT status FROM referral_out WHERE id = $1 AND client_id = $2 FOR UPDATE`,
      [id, clientId],
    );
    return previous;
  }

  /** True when a referral was already re-sent from this one. */
  async wasResent(m: EntityManager, previousId: string): Promise<boolean> {
    const [again] = await m.query(`SELECT 1 FROM referral_out WHERE resent_from_id = $1`, [
      previousId,
    ]);
    return !!again;
  }

  /** The referral's client id when it is in the caller's scope (`lock`: FOR UPDATE), or null. */
  async clientIdInScope(
    m: EntityManager,
    actor: Principal,
    id: string,
    lock = false,
  ): Promise<string | null> {
    const scope = clientScope(actor, 'c');
    const [sql, values] = this.dataSource.driver.escapeQueryWithParameters(
      `SELECT x.client_id AS "clientId" FROM referral_out x JOIN client c ON c.id = x.client_id
        WHERE x.id = :referralId AND x.organization_id = :referralOrg AND (${scope.sql})
        ${lock ? 'FOR UPDATE OF x' : ''}`,
      { ...scope.params, referralId: id, referralOrg: actor.organizationId },
      {},
    );
    const [row] = await m.query(sql, values);
    return row ? row.clientId : null;
  }

  /** The referral with its resource, history and task. */
  async readRow(m: EntityManager, id: string): Promise<ReferralOutRow> {
    const [row] = await m.query(
      `SELECT ${REFERRAL_COLUMNS} FROM referral_out x JOIN community_resource r ON r.id = x.resource_id
        WHERE x.id = $1`,
      [id],
    );
    return row;
  }

  /** A page of the client's referrals, newest first, each with its exact sort key as text. */
  pageForClient(
    clientId: string,
    pager: Pager,
  ): Promise<(ReferralOutRow & { createdAtKey: string })[]> {
    const qb = this.dataSource.manager
      .createQueryBuilder()
      .select(REFERRAL_COLUMNS)
      .addSelect(
        `to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
        'createdAtKey',
      )
      .from('referral_out', 'x')
      .innerJoin('community_resource', 'r', 'r.id = x.resource_id')
      .where('x.client_id = :clientId', { clientId });
    return pageNewestFirst(qb, 'x', pager).getRawMany<ReferralOutRow & { createdAtKey: string }>();
  }

  async statusAndVersion(
    m: EntityManager,
    id: string,
  ): Promise<{ status: ReferralStatus; version: number }> {
    const [current] = await m.query(`SELECT status, version FROM referral_out WHERE id = $1`, [id]);
    return current;
  }

  /** The new status under the expected version; the instant of the change. */
  async updateStatus(
    m: EntityManager,
    id: string,
    status: ReferralStatus,
    actorId: string,
    expectedVersion: number,
  ): Promise<Date> {
    const [updated] = await m.query(
      `UPDATE referral_out SET status = $2, status_changed_at = now(), status_changed_by_id = $3,
           version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $4 RETURNING status_changed_at`,
      [id, status, actorId, expectedVersion],
    );
    return updated[0].status_changed_at;
  }

  /** Closes the referral's task while it is open (idempotent). */
  async closeOpenTask(
    m: EntityManager,
    id: string,
    outcome: { status: string; reason: string },
  ): Promise<void> {
    await m.query(
      `UPDATE follow_up SET status = $2, status_reason = $3,
         completed_at = CASE WHEN $2 = 'completed' THEN now() ELSE completed_at END,
         version = version + 1, updated_at = now()
       WHERE referral_out_id = $1 AND status IN ${OPEN_TASK}`,
      [id, outcome.status, outcome.reason],
    );
  }

  /** The referral of the organization with its client, locked FOR UPDATE; undefined when none. */
  async lockForTask(
    m: EntityManager,
    referralOutId: string,
    organizationId: string,
  ): Promise<ReferralForTask | undefined> {
    const [referral]: ReferralForTask[] = await m.query(
      `SELECT x.client_id AS "clientId", x.status, x.sent_at AS "sentAt", x.follow_up_due_at AS "dueAt",
                c.primary_specialist_id AS "ownerId", c.status AS "clientStatus"
           FROM referral_out x JOIN client c ON c.id = x.client_id
          WHERE x.id = $1 AND x.organization_id = $2 FOR UPDATE OF x`,
      [referralOutId, organizationId],
    );
    return referral;
  }

  /** The referral's task, once (unique referral_out_id); its id, or null when it was there. */
  async insertTask(m: EntityManager, t: NewReferralTask): Promise<string | null> {
    const inserted: { id: string }[] = await m.query(
      `INSERT INTO follow_up (organization_id, client_id, kind, label, status, due_at, window_start,
           window_end, owner_id, referral_out_id, status_reason, completed_at)
         VALUES ($1, $2, 'contact', $3, $4, $5, $6, $7, $8, $9, $10,
           CASE WHEN $4 = 'completed' THEN now() END)
         ON CONFLICT (referral_out_id) DO NOTHING RETURNING id`,
      [
        t.organizationId,
        t.clientId,
        t.label,
        t.status,
        t.dueAt,
        t.windowStart,
        t.windowEnd,
        t.ownerId,
        t.referralOutId,
        t.statusReason,
      ],
    );
    return inserted.length === 0 ? null : inserted[0].id;
  }
}
