import { noteBillingUnits, durationMinutes } from './billing';
import { AddendumResponse, SessionNoteResponse } from './dto/session-note.response';
import { SessionNoteAddendum } from './session-note-addendum.entity';
import { SessionNote } from './session-note.entity';
import { PeerIntervention, RiskFlag } from './session-note.enums';

export function toSessionNoteResponse(note: SessionNote): SessionNoteResponse {
  const minutes = durationMinutes(note.startedAt, note.endedAt);
  return {
    id: note.id,
    clientId: note.clientId,
    authorId: note.authorId,
    status: note.status,
    version: note.version,
    startedAt: note.startedAt.toISOString(),
    endedAt: note.endedAt.toISOString(),
    durationMinutes: minutes,
    billingUnits: noteBillingUnits(note.contactType, minutes),
    contactType: note.contactType,
    setting: note.setting,
    format: note.format,
    sections: note.sections,
    goalIds: note.goalIds,
    interventions: note.interventions as PeerIntervention[],
    riskFlags: note.riskFlags as RiskFlag[],
    signedAt: note.signedAt?.toISOString() ?? null,
    contentHash: note.contentHash,
    lateEntry: note.lateEntry,
    reviewedAt: note.reviewedAt?.toISOString() ?? null,
    reviewerId: note.reviewerId,
    reviewDecision: note.reviewDecision,
    reviewComment: note.reviewComment,
    createdAt: note.createdAt.toISOString(),
    updatedAt: note.updatedAt.toISOString(),
  };
}

export function toAddendumResponse(a: SessionNoteAddendum): AddendumResponse {
  return {
    id: a.id,
    noteId: a.noteId,
    text: a.text,
    authorId: a.authorId,
    createdAt: a.createdAt.toISOString(),
  };
}
