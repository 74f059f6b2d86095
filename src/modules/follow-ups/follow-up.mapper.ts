import { FollowUpAttemptResponse, FollowUpResponse } from './dto/follow-up.dto';
import { FollowUpAttempt } from './follow-up-attempt.entity';
import { FollowUp } from './follow-up.entity';

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

export function toAttemptResponse(a: FollowUpAttempt): FollowUpAttemptResponse {
  return {
    id: a.id,
    method: a.method,
    outcome: a.outcome,
    note: a.note,
    authorId: a.authorId,
    attemptedAt: a.attemptedAt.toISOString(),
  };
}

export function toFollowUpResponse(
  f: FollowUp,
  attempts: FollowUpAttempt[] = [],
): FollowUpResponse {
  return {
    id: f.id,
    clientId: f.clientId,
    dischargeId: f.dischargeId,
    kind: f.kind,
    label: f.label,
    status: f.status,
    dueAt: f.dueAt.toISOString(),
    windowStart: f.windowStart.toISOString(),
    windowEnd: f.windowEnd.toISOString(),
    ownerId: f.ownerId,
    startedAt: iso(f.startedAt),
    completedAt: iso(f.completedAt),
    outcome: f.outcome,
    statusReason: f.statusReason,
    sessionNoteId: f.sessionNoteId,
    assessmentId: f.assessmentId,
    unreachableAttempts: f.unreachableAttempts,
    attempts: attempts.map(toAttemptResponse),
    version: f.version,
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
  };
}
