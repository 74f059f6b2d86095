import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { UserPrincipal } from '../../auth/principal';
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
import { referralFollowUpJobId } from './referral-follow-up';
import { toReferralOutResponse } from './referral-out.queries';
import { ReferralOutRepository } from './referral-out.repository';
import { assertReferralTransition, ReferralStatus, taskOutcomeOf } from './referral-status';

/**
 * Closed-loop referrals out (issue 16): a client referred to a resource of the directory, its
 * status history, and its connection-check task (created by the worker from the outbox; closed
 * here when the referral ends). Same scope and audit rules as every client record.
 */
@Injectable()
export class ReferralsOutService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly referrals: ReferralOutRepository,
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
      if (!(await this.referrals.isActiveResource(m, dto.resourceId, actor.organizationId))) {
        throw new ValidationError([
          {
            field: 'resourceId',
            message: 'resourceId must be an active resource of your directory',
          },
        ]);
      }
      if (dto.resentFromId) await this.requireResendable(m, clientId, dto.resentFromId);
      const row = await this.referrals.insertReferral(m, {
        organizationId: actor.organizationId,
        clientId,
        resourceId: dto.resourceId,
        need: dto.need,
        reason: dto.reason,
        resentFromId: dto.resentFromId ?? null,
        sentById: actor.id,
      });
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
      return toReferralOutResponse(await this.referrals.readRow(m, row.id));
    });
  }

  async list(
    actor: UserPrincipal,
    clientId: string,
    query: PageQuery,
  ): Promise<Page<ReferralOutResponse>> {
    const pager = new Pager(query, { principal: actor, list: `referrals-out:${clientId}` });
    await this.access.requireClient(actor, clientId);
    const rows = await this.referrals.pageForClient(clientId, pager);
    await this.audit.recordNow(actor, {
      action: 'referral-out.list',
      clientId,
      resourceType: 'ReferralOut',
    });
    return pager.page(rows, (r) => ({ key: r.createdAtKey, id: r.id }), toReferralOutResponse);
  }

  async get(actor: UserPrincipal, id: string): Promise<ReferralOutResponse> {
    const clientId = await this.requireReferral(this.referrals.manager, actor, id);
    const row = await this.referrals.readRow(this.referrals.manager, id);
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
      const current = await this.referrals.statusAndVersion(m, id);
      if (current.version !== expectedVersion) throw staleError();
      assertReferralTransition(current.status as ReferralStatus, dto.status);
      const changedAt = await this.referrals.updateStatus(
        m,
        id,
        dto.status,
        actor.id,
        expectedVersion,
      );
      await this.recordEvent(m, actor, id, dto.status, changedAt);
      await this.closeTask(m, id, dto.status);
      tx.audit({
        action: `referral-out.${dto.status}`,
        clientId,
        resourceType: 'ReferralOut',
        resourceId: id,
      });
      return toReferralOutResponse(await this.referrals.readRow(m, id));
    });
  }

  // Completing the referral completes its task (idempotent: only an open task changes; a task the
  // worker has not created yet is created closed, since the worker reads the referral's status).
  private async closeTask(m: EntityManager, id: string, status: ReferralStatus): Promise<void> {
    const outcome = taskOutcomeOf(status);
    if (!outcome) return;
    await this.referrals.closeOpenTask(m, id, outcome);
  }

  private async recordEvent(
    m: EntityManager,
    actor: UserPrincipal,
    id: string,
    status: ReferralStatus,
    at: Date,
  ): Promise<void> {
    await this.referrals.insertEvent(m, actor.organizationId, id, status, actor.id, at);
  }

  // A declined referral of this client, not re-sent before (held until commit, so two re-sends
  // of one referral cannot both pass).
  private async requireResendable(
    m: EntityManager,
    clientId: string,
    previousId: string,
  ): Promise<void> {
    const previous = await this.referrals.lockClientReferralStatus(m, previousId, clientId);
    if (!previous || previous.status !== 'declined') {
      throw new ValidationError([
        {
          field: 'resentFromId',
          message: 'resentFromId must be a declined referral of this client',
        },
      ]);
    }
    if (await this.referrals.wasResent(m, previousId))
      throw new DomainError('CONFLICT', 'This referral has already been re-sent.');
  }

  /** The referral's client id when the referral is in the caller's scope; else 404. */
  private async requireReferral(
    m: EntityManager,
    actor: UserPrincipal,
    id: string,
    lock = false,
  ): Promise<string> {
    const clientId = await this.referrals.clientIdInScope(m, actor, id, lock);
    if (!clientId) throw new NotFoundError('Referral');
    return clientId;
  }
}
