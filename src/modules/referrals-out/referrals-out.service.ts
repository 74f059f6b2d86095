import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { UserPrincipal } from '../../auth/principal';
import { pageNewestFirst } from '../../common/dto/keyset';
import { PageQuery } from '../../common/dto/page.query';
import { Page, Pager } from '../../common/dto/pagination';
import { DomainError, NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { staleError } from '../../common/http/etag';
import { JobName } from '../../queue/jobs';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../audit/unit-of-work';
import {
  CreateReferralOutDto,
  ReferralOutResponse,
  TransitionReferralOutDto,
} from './dto/referral-out.dto';
import { DEFAULT_REFERRAL_FOLLOW_UP_DAYS, referralFollowUpJobId } from './referral-follow-up';
import { REFERRAL_COLUMNS, ReferralOutRow, toReferralOutResponse } from './referral-out.queries';
import { assertReferralTransition, ReferralStatus, taskOutcomeOf } from './referral-status';

const OPEN_TASK = `('requested', 'ready', 'in-progress', 'on-hold')`;

/**
 * Closed-loop referrals out (issue 16): a client referred to a resource of the directory, its
 * status history, and its connection-check task (created by the worker from the outbox; closed
 * here when the referral ends). Same scope and audit rules as every client record.
 */
@Injectable()
export class ReferralsOutService {
  constructor(
    private readonly uow: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async create(
    actor: UserPrincipal,
    clientId: string,
    dto: CreateReferralOutDto,
  ): Promise<ReferralOutResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.access.requireClient(actor, clientId, m, true);
      const [resource] = await m.query(
        `SELECT 1 FROM community_resource WHERE id = $1 AND organization_id = $2 AND active`,
        [dto.resourceId, actor.organizationId],
      );
      if (!resource) {
        throw new ValidationError([
          {
            field: 'resourceId',
            message: 'resourceId must be an active resource of your directory',
          },
        ]);
      }
      if (dto.resentFromId) await this.requireResendable(m, clientId, dto.resentFromId);
      const [row] = await m.query(
        `INSERT INTO referral_out (organization_id, client_id, resource_id, need, reason, resent_from_id,
           sent_by_id, status_changed_by_id, follow_up_due_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $7, now() + make_interval(days =>
           COALESCE((o.settings->>'referralFollowUpDays')::int, ${DEFAULT_REFERRAL_FOLLOW_UP_DAYS}))
           FROM organization o WHERE o.id = $1
         RETURNING id, sent_at`,
        [
          actor.organizationId,
          clientId,
          dto.resourceId,
          dto.need,
          dto.reason,
          dto.resentFromId ?? null,
          actor.id,
        ],
      );
      await this.recordEvent(m, actor, row.id, 'sent', row.sent_at);
      tx.enqueue([
        {
          name: JobName.ReferralOutFollowUp,
          jobId: referralFollowUpJobId(row.id),
          payload: { organizationId: actor.organizationId, referralOutId: row.id },
        },
      ]);
      tx.audit({
        action: 'referral-out.create',
        clientId,
        resourceType: 'ReferralOut',
        resourceId: row.id,
      });
      return toReferralOutResponse(await this.readRow(m, row.id));
    });
  }

  async list(
    actor: UserPrincipal,
    clientId: string,
    query: PageQuery,
  ): Promise<Page<ReferralOutResponse>> {
    const pager = new Pager(query, { principal: actor, list: `referrals-out:${clientId}` });
    await this.access.requireClient(actor, clientId);
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
    const rows = await pageNewestFirst(qb, 'x', pager).getRawMany<
      ReferralOutRow & { createdAtKey: string }
    >();
    await this.audit.recordNow(actor, {
      action: 'referral-out.list',
      clientId,
      resourceType: 'ReferralOut',
    });
    return pager.page(rows, (r) => ({ key: r.createdAtKey, id: r.id }), toReferralOutResponse);
  }

  async get(actor: UserPrincipal, id: string): Promise<ReferralOutResponse> {
    const clientId = await this.requireReferral(this.dataSource.manager, actor, id);
    const row = await this.readRow(this.dataSource.manager, id);
    await this.audit.recordNow(actor, {
      action: 'referral-out.read',
      clientId,
      resourceType: 'ReferralOut',
      resourceId: id,
    });
    return toReferralOutResponse(row);
  }

  /**
   * One status change: the row is locked, its version checked (412), the transition checked (409),
   * then the change, its history entry, the task's closing and the audit event commit together.
   */
  async transition(
    actor: UserPrincipal,
    id: string,
    expectedVersion: number,
    dto: TransitionReferralOutDto,
  ): Promise<ReferralOutResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const clientId = await this.requireReferral(m, actor, id, true);
      const [current] = await m.query(`SELECT status, version FROM referral_out WHERE id = $1`, [
        id,
      ]);
      if (current.version !== expectedVersion) throw staleError();
      assertReferralTransition(current.status as ReferralStatus, dto.status);
      const [updated] = await m.query(
        `UPDATE referral_out SET status = $2, status_changed_at = now(), status_changed_by_id = $3,
           version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $4 RETURNING status_changed_at`,
        [id, dto.status, actor.id, expectedVersion],
      );
      await this.recordEvent(m, actor, id, dto.status, updated[0].status_changed_at);
      await this.closeTask(m, id, dto.status);
      tx.audit({
        action: `referral-out.${dto.status}`,
        clientId,
        resourceType: 'ReferralOut',
        resourceId: id,
      });
      return toReferralOutResponse(await this.readRow(m, id));
    });
  }

  // Completing the referral completes its task (idempotent: only an open task changes; a task the
  // worker has not created yet is created closed, since the worker reads the referral's status).
  private async closeTask(m: EntityManager, id: string, status: ReferralStatus): Promise<void> {
    const outcome = taskOutcomeOf(status);
    if (!outcome) return;
    await m.query(
      `UPDATE follow_up SET status = $2, status_reason = $3,
         completed_at = CASE WHEN $2 = 'completed' THEN now() ELSE completed_at END,
         version = version + 1, updated_at = now()
       WHERE referral_out_id = $1 AND status IN ${OPEN_TASK}`,
      [id, outcome.status, outcome.reason],
    );
  }

  private async recordEvent(
    m: EntityManager,
    actor: UserPrincipal,
    id: string,
    status: ReferralStatus,
    at: Date,
  ): Promise<void> {
    await m.query(
      `INSERT INTO referral_out_event (organization_id, referral_out_id, status, actor_id, occurred_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [actor.organizationId, id, status, actor.id, at],
    );
  }

  // A declined referral of this client, not re-sent before (held until commit, so two re-sends
  // of one referral cannot both pass).
  private async requireResendable(
    m: EntityManager,
    clientId: string,
    previousId: string,
  ): Promise<void> {
    const [previous] = await m.query(
      `SELECT status FROM referral_out WHERE id = $1 AND client_id = $2 FOR UPDATE`,
      [previousId, clientId],
    );
    if (!previous || previous.status !== 'declined') {
      throw new ValidationError([
        {
          field: 'resentFromId',
          message: 'resentFromId must be a declined referral of this client',
        },
      ]);
    }
    const [again] = await m.query(`SELECT 1 FROM referral_out WHERE resent_from_id = $1`, [
      previousId,
    ]);
    if (again) throw new DomainError('CONFLICT', 'This referral has already been re-sent.');
  }

  /** The referral's client id when the referral is in the caller's scope; else 404. */
  private async requireReferral(
    m: EntityManager,
    actor: UserPrincipal,
    id: string,
    lock = false,
  ): Promise<string> {
    const scope = this.access.clientPredicate(actor, 'c');
    const [sql, values] = this.dataSource.driver.escapeQueryWithParameters(
      `SELECT x.client_id AS "clientId" FROM referral_out x JOIN client c ON c.id = x.client_id
        WHERE x.id = :referralId AND x.organization_id = :referralOrg AND (${scope.sql})
        ${lock ? 'FOR UPDATE OF x' : ''}`,
      { ...scope.params, referralId: id, referralOrg: actor.organizationId },
      {},
    );
    const [row] = await m.query(sql, values);
    if (!row) throw new NotFoundError('Referral');
    return row.clientId;
  }

  private async readRow(m: EntityManager, id: string): Promise<ReferralOutRow> {
    const [row] = await m.query(
      `SELECT ${REFERRAL_COLUMNS} FROM referral_out x JOIN community_resource r ON r.id = x.resource_id
        WHERE x.id = $1`,
      [id],
    );
    return row;
  }
}
