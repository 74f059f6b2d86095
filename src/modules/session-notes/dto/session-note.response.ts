import { ApiProperty } from '@nestjs/swagger';

import { RelapsePlanPointerResponse } from '../../relapse-prevention/dto/relapse-prevention-plan.response';
import {
  ContactType,
  NoteFormat,
  NoteStatus,
  PeerIntervention,
  ReviewDecision,
  RiskFlag,
} from '../session-note.enums';

export class LanguageWarningResponse {
  @ApiProperty({ example: 'addict' })
  term: string;

  @ApiProperty({ example: 'person with a substance use disorder (or person in recovery)' })
  suggestion: string;

  @ApiProperty({ example: 'data', description: 'The section the term was found in' })
  section: string;
}

export class AddendumResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  noteId: string;

  text: string;

  @ApiProperty({ format: 'uuid' })
  authorId: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class SessionNoteResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({ format: 'uuid' })
  authorId: string;

  @ApiProperty({ enum: NoteStatus })
  status: NoteStatus;

  version: number;

  @ApiProperty({ format: 'date-time' })
  startedAt: string;

  @ApiProperty({ format: 'date-time' })
  endedAt: string;

  @ApiProperty({ example: 45 })
  durationMinutes: number;

  @ApiProperty({
    example: 3,
    description: 'H0038 units of 15 minutes (CMS 8-minute rule); 0 for outreach attempts',
  })
  billingUnits: number;

  @ApiProperty({ enum: ContactType })
  contactType: ContactType;

  setting: string | null;

  @ApiProperty({ enum: NoteFormat })
  format: NoteFormat;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  sections: Record<string, string>;

  @ApiProperty({ format: 'uuid' })
  goalIds: string[];

  @ApiProperty({ enum: PeerIntervention, isArray: true })
  interventions: PeerIntervention[];

  @ApiProperty({ enum: RiskFlag, isArray: true })
  riskFlags: RiskFlag[];

  @ApiProperty({ format: 'date-time' })
  signedAt: string | null;

  /** SHA-256 (hex) of the signed clinical content */
  contentHash: string | null;

  /** Signed more than 72 hours after the session ended */
  lateEntry: boolean;

  @ApiProperty({ format: 'date-time' })
  reviewedAt: string | null;

  @ApiProperty({ format: 'uuid' })
  reviewerId: string | null;

  @ApiProperty({ enum: ReviewDecision })
  reviewDecision: ReviewDecision | null;

  reviewComment: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  /** Only when reading one note */
  addenda?: AddendumResponse[];

  /** Only when saving: non-blocking language suggestions */
  warnings?: LanguageWarningResponse[];

  /**
   * Only on one note (read, save, sign, review) that carries a risk flag: the client's
   * relapse-prevention plan and when it was last reviewed, or null when the client has none
   */
  @ApiProperty({ type: RelapsePlanPointerResponse, nullable: true, required: false })
  relapsePreventionPlan?: RelapsePlanPointerResponse | null;
}

export class SessionNotePageResponse {
  items: SessionNoteResponse[];

  nextCursor: string | null;
}

export class TimelineItemResponse {
  @ApiProperty({
    enum: ['session_note', 'follow_up', 'assessment', 'group_session', 'referral_out'],
  })
  type: string;

  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt: string;

  @ApiProperty({ example: 'signed' })
  status: string | null;

  /** A non-narrative label: contact type, follow-up label, instrument and total, group topic, referral need */
  label: string | null;
}

export class TimelinePageResponse {
  items: TimelineItemResponse[];

  nextCursor: string | null;
}
