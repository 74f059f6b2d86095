import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { correlationOf, UserPrincipal } from '../../auth/principal';
import { ValidationError } from '../../common/errors/domain-error';
import { UnitOfWork, WriteTx } from '../audit/unit-of-work';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import {
  CancelFollowUpDto,
  CompleteFollowUpDto,
  FollowUpResponse,
  RecordAttemptDto,
} from './dto/follow-up.dto';
import { FollowUpAssessmentsService } from './follow-up-assessments.service';
import { FollowUpQueriesService } from './follow-up-queries.service';
import { FollowUpSchedulingService } from './follow-up-scheduling.service';
import { assertTransition, FollowUpStatus } from './follow-up-status';
import { FollowUp } from './follow-up.entity';
import { toFollowUpResponse } from './follow-up.mapper';
import { FollowUpRepository } from './follow-up.repository';

export const DEFAULT_UNREACHABLE_ESCALATION_ATTEMPTS = 3;

/**
 * Follow-up task writes: the FHIR Task transitions staff make, and the bulk changes other
 * features make in their own transactions (closing a client, readmission, reassignment).
 */
@Injectable()
export class FollowUpsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly queries: FollowUpQueriesService,
    private readonly scheduling: FollowUpSchedulingService,
    private readonly assessments: FollowUpAssessmentsService,
    private readonly webhookEvents: WebhookEventsService,
    private readonly repo: FollowUpRepository,
  ) {}

  start(actor: UserPrincipal, id: string): Promise<FollowUpResponse> {
    return this.act(actor, id, 'follow-up.start', async (m, f) => {
      assertTransition(f.status, 'in-progress');
      await this.repo.setStatus(m, f.id, 'in-progress', { started_at: new Date() });
    });
  }

  complete(actor: UserPrincipal, id: string, dto: CompleteFollowUpDto): Promise<FollowUpResponse> {
    return this.act(actor, id, 'follow-up.complete', async (m, f, tx) => {
      const to: FollowUpStatus = dto.outcome === 'unreachable' ? 'failed' : 'completed';
      assertTransition(f.status, to);
      if (dto.sessionNoteId) await this.requireNoteOfClient(m, f, dto.sessionNoteId);
      await this.repo.setStatus(m, f.id, to, {
        completed_at: new Date(),
        outcome: dto.outcome,
        session_note_id: dto.sessionNoteId ?? null,
        // The day-30 BARC-10 task is fulfilled by the assessment: completing it links one.
        assessment_id: await this.assessments.assessmentFor(m, f, dto.assessmentId),
      });
      if (dto.outcome === 'reached') await this.repo.touchLastContact(m, f.clientId);
      if (to === 'completed') {
        await this.webhookEvents.emit(m, {
          organizationId: f.organizationId,
          type: 'follow-up.completed',
          clientId: f.clientId,
          resource: { type: 'Task', id: f.id },
          data: { followUpId: f.id, dischargeId: f.dischargeId, outcome: dto.outcome },
          correlationId: correlationOf(actor),
        });
      }
      // A contact that could not be made at all is the supervisors' concern (once per task).
      if (dto.outcome === 'unreachable')
        tx.enqueue(await this.scheduling.planUnreachableEscalation(m, f.organizationId, f.id));
    });
  }

  cancel(actor: UserPrincipal, id: string, dto: CancelFollowUpDto): Promise<FollowUpResponse> {
    return this.act(actor, id, 'follow-up.cancel', async (m, f) => {
      assertTransition(f.status, 'cancelled');
      await this.repo.setStatus(m, f.id, 'cancelled', { status_reason: dto.reason ?? null });
    });
  }

  /** An attempt moves the task in progress; the Nth "unable to reach" escalates to the supervisors. */
  recordAttempt(
    actor: UserPrincipal,
    id: string,
    dto: RecordAttemptDto,
  ): Promise<FollowUpResponse> {
    return this.act(actor, id, 'follow-up.attempt', async (m, f, tx) => {
      if (f.status !== 'in-progress') {
        assertTransition(f.status, 'in-progress');
        await this.repo.setStatus(m, f.id, 'in-progress', { started_at: new Date() });
      }
      await this.repo.insertAttempt(m, {
        organizationId: f.organizationId,
        followUpId: f.id,
        clientId: f.clientId,
        method: dto.method,
        outcome: dto.outcome,
        note: dto.note ?? null,
        authorId: actor.id,
        attemptedAt: new Date(),
      });
      if (dto.outcome === 'reached') await this.repo.touchLastContact(m, f.clientId);
      if (dto.outcome === 'unable_to_reach') await this.countUnreachable(tx, f);
    });
  }

  /** Closing a client cancels its remaining follow-ups (clients module calls this in its transaction). */
  async cancelOpenForClient(
    manager: EntityManager,
    clientId: string,
    reason = 'client-closed',
  ): Promise<string[]> {
    return this.repo.cancelOpenOfClient(manager, clientId, reason);
  }

  /** A readmission pauses the remaining follow-ups. */
  async holdOpenForClient(
    manager: EntityManager,
    clientId: string,
    reason = 'readmitted',
  ): Promise<string[]> {
    return this.repo.holdOpenOfClient(manager, clientId, reason);
  }

  /** A new discharge replaces the cadence of earlier episodes: their remaining tasks are cancelled. */
  async supersedeEarlierDischarges(
    manager: EntityManager,
    clientId: string,
    admittedAt: Date,
  ): Promise<string[]> {
    return this.repo.cancelOfEarlierDischarges(manager, clientId, admittedAt);
  }

  /** A new primary specialist takes over the client's remaining follow-ups (null: needs assignment). */
  async reassignOpenForClient(
    manager: EntityManager,
    clientId: string,
    ownerId: string | null,
  ): Promise<void> {
    await this.repo.reassignOpenOfClient(manager, clientId, ownerId);
  }

  private async act(
    actor: UserPrincipal,
    id: string,
    action: string,
    apply: (m: EntityManager, f: FollowUp, tx: WriteTx) => Promise<void>,
  ): Promise<FollowUpResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const f = await this.queries.requireFollowUp(m, actor, id, true);
      await apply(m, f, tx);
      tx.audit({
        action,
        clientId: f.clientId,
        resourceType: 'FollowUp',
        resourceId: id,
      });
      const updated = await this.repo.findById(m, id);
      const attempts = await this.queries.attemptsOf(m, [id]);
      return toFollowUpResponse(updated, attempts.get(id));
    });
  }

  private async requireNoteOfClient(m: EntityManager, f: FollowUp, noteId: string): Promise<void> {
    if (!(await this.repo.isNoteOfClient(m, noteId, f.clientId, f.organizationId))) {
      throw new ValidationError([
        { field: 'sessionNoteId', message: 'sessionNoteId must be a session note of this client' },
      ]);
    }
  }

  private async countUnreachable(tx: WriteTx, f: FollowUp): Promise<void> {
    const row = await this.repo.countUnreachable(
      tx.manager,
      f.id,
      f.organizationId,
      DEFAULT_UNREACHABLE_ESCALATION_ATTEMPTS,
    );
    if (row.unreachable_attempts >= row.threshold) {
      tx.enqueue(
        await this.scheduling.planUnreachableEscalation(tx.manager, f.organizationId, f.id),
      );
    }
  }
}
