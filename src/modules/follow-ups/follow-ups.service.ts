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
import { FollowUpAttempt } from './follow-up-attempt.entity';
import { FollowUpQueriesService } from './follow-up-queries.service';
import { FollowUpSchedulingService } from './follow-up-scheduling.service';
import { assertTransition, FollowUpStatus, OPEN_STATUSES } from './follow-up-status';
import { FollowUp } from './follow-up.entity';
import { toFollowUpResponse } from './follow-up.mapper';

export const DEFAULT_UNREACHABLE_ESCALATION_ATTEMPTS = 3;
const sqlList = (values: string[]): string => `(${values.map((v) => `'${v}'`).join(', ')})`;
const OPEN = sqlList(OPEN_STATUSES);
const OPEN_OR_HELD = sqlList([...OPEN_STATUSES, 'on-hold']);

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
  ) {}

  start(actor: UserPrincipal, id: string): Promise<FollowUpResponse> {
    return this.act(actor, id, 'follow-up.start', async (m, f) => {
      assertTransition(f.status, 'in-progress');
      await this.setStatus(m, f.id, 'in-progress', { started_at: new Date() });
    });
  }

  complete(actor: UserPrincipal, id: string, dto: CompleteFollowUpDto): Promise<FollowUpResponse> {
    return this.act(actor, id, 'follow-up.complete', async (m, f, tx) => {
      const to: FollowUpStatus = dto.outcome === 'unreachable' ? 'failed' : 'completed';
      assertTransition(f.status, to);
      if (dto.sessionNoteId) await this.requireNoteOfClient(m, f, dto.sessionNoteId);
      await this.setStatus(m, f.id, to, {
        completed_at: new Date(),
        outcome: dto.outcome,
        session_note_id: dto.sessionNoteId ?? null,
        // The day-30 BARC-10 task is fulfilled by the assessment: completing it links one.
        assessment_id: await this.assessments.assessmentFor(m, f, dto.assessmentId),
      });
      if (dto.outcome === 'reached') await this.touchLastContact(m, f.clientId);
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
      await this.setStatus(m, f.id, 'cancelled', { status_reason: dto.reason ?? null });
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
        await this.setStatus(m, f.id, 'in-progress', { started_at: new Date() });
      }
      await m.insert(FollowUpAttempt, {
        organizationId: f.organizationId,
        followUpId: f.id,
        clientId: f.clientId,
        method: dto.method,
        outcome: dto.outcome,
        note: dto.note ?? null,
        authorId: actor.id,
        attemptedAt: new Date(),
      });
      if (dto.outcome === 'reached') await this.touchLastContact(m, f.clientId);
      if (dto.outcome === 'unable_to_reach') await this.countUnreachable(tx, f);
    });
  }

  /** Closing a client cancels its remaining follow-ups (clients module calls this in its transaction). */
  async cancelOpenForClient(
    manager: EntityManager,
    clientId: string,
    reason = 'client-closed',
  ): Promise<string[]> {
    return this.bulkStatus(
      manager,
      `client_id = $1 AND status IN ${OPEN_OR_HELD}`,
      [clientId],
      'cancelled',
      reason,
    );
  }

  /** A readmission pauses the remaining follow-ups. */
  async holdOpenForClient(
    manager: EntityManager,
    clientId: string,
    reason = 'readmitted',
  ): Promise<string[]> {
    return this.bulkStatus(
      manager,
      `client_id = $1 AND status IN ${OPEN}`,
      [clientId],
      'on-hold',
      reason,
    );
  }

  /** A new discharge replaces the cadence of earlier episodes: their remaining tasks are cancelled. */
  async supersedeEarlierDischarges(
    manager: EntityManager,
    clientId: string,
    admittedAt: Date,
  ): Promise<string[]> {
    return this.bulkStatus(
      manager,
      `client_id = $1 AND status IN ${OPEN_OR_HELD}
       AND discharge_id IN (SELECT id FROM discharge WHERE client_id = $1 AND discharged_at <= $2)`,
      [clientId, admittedAt],
      'cancelled',
      'superseded',
    );
  }

  /** A new primary specialist takes over the client's remaining follow-ups (null: needs assignment). */
  async reassignOpenForClient(
    manager: EntityManager,
    clientId: string,
    ownerId: string | null,
  ): Promise<void> {
    await manager.query(
      `UPDATE follow_up SET owner_id = $2, version = version + 1, updated_at = now()
       WHERE client_id = $1 AND status IN ${OPEN_OR_HELD} AND owner_id IS DISTINCT FROM $2`,
      [clientId, ownerId],
    );
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
      const updated = await m.findOneByOrFail(FollowUp, { id });
      const attempts = await this.queries.attemptsOf(m, [id]);
      return toFollowUpResponse(updated, attempts.get(id));
    });
  }

  private async setStatus(
    m: EntityManager,
    id: string,
    status: FollowUpStatus,
    extra: Record<string, unknown>,
  ): Promise<void> {
    const columns = Object.keys(extra);
    const sets = columns.map((c, i) => `${c} = $${i + 3}`);
    await m.query(
      `UPDATE follow_up SET status = $2, ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE id = $1`,
      [id, status, ...columns.map((c) => extra[c])],
    );
  }

  private async bulkStatus(
    m: EntityManager,
    where: string,
    params: unknown[],
    status: FollowUpStatus,
    reason: string,
  ): Promise<string[]> {
    const n = params.length;
    const [rows] = (await m.query(
      `UPDATE follow_up SET status = $${n + 1}, status_reason = $${n + 2}, version = version + 1, updated_at = now()
       WHERE ${where} RETURNING id`,
      [...params, status, reason],
    )) as [{ id: string }[], number];
    return rows.map((r) => r.id);
  }

  private async requireNoteOfClient(m: EntityManager, f: FollowUp, noteId: string): Promise<void> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM session_note WHERE id = $1 AND client_id = $2 AND organization_id = $3`,
      [noteId, f.clientId, f.organizationId],
    );
    if (rows.length === 0) {
      throw new ValidationError([
        { field: 'sessionNoteId', message: 'sessionNoteId must be a session note of this client' },
      ]);
    }
  }

  private async touchLastContact(m: EntityManager, clientId: string): Promise<void> {
    await m.query(
      `UPDATE client SET last_contact_at = greatest(last_contact_at, now()) WHERE id = $1`,
      [clientId],
    );
  }

  private async countUnreachable(tx: WriteTx, f: FollowUp): Promise<void> {
    const [[row]] = (await tx.manager.query(
      `UPDATE follow_up SET unreachable_attempts = unreachable_attempts + 1 WHERE id = $1
       RETURNING unreachable_attempts,
         coalesce((SELECT (settings->>'followUpUnreachableEscalationAttempts')::int FROM organization WHERE id = $2), $3) AS threshold`,
      [f.id, f.organizationId, DEFAULT_UNREACHABLE_ESCALATION_ATTEMPTS],
    )) as [{ unreachable_attempts: number; threshold: number }[], number];
    if (row.unreachable_attempts >= row.threshold) {
      tx.enqueue(
        await this.scheduling.planUnreachableEscalation(tx.manager, f.organizationId, f.id),
      );
    }
  }
}
