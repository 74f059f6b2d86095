import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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

  @ApiProperty()
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

  @ApiProperty()
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

  @ApiProperty({ type: String, nullable: true })
  setting: string | null;

  @ApiProperty({ enum: NoteFormat })
  format: NoteFormat;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  sections: Record<string, string>;

  @ApiProperty({ type: [String], format: 'uuid' })
  goalIds: string[];

  @ApiProperty({ enum: PeerIntervention, isArray: true })
  interventions: PeerIntervention[];

  @ApiProperty({ enum: RiskFlag, isArray: true })
  riskFlags: RiskFlag[];

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  signedAt: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'SHA-256 (hex) of the signed clinical content',
  })
  contentHash: string | null;

  @ApiProperty({ description: 'Signed more than 72 hours after the session ended' })
  lateEntry: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  reviewedAt: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  reviewerId: string | null;

  @ApiProperty({ enum: ReviewDecision, nullable: true })
  reviewDecision: ReviewDecision | null;

  @ApiProperty({ type: String, nullable: true })
  reviewComment: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiPropertyOptional({ type: [AddendumResponse], description: 'Only when reading one note' })
  addenda?: AddendumResponse[];

  @ApiPropertyOptional({
    type: [LanguageWarningResponse],
    description: 'Only when saving: non-blocking language suggestions',
  })
  warnings?: LanguageWarningResponse[];
}

export class SessionNotePageResponse {
  @ApiProperty({ type: [SessionNoteResponse] })
  items: SessionNoteResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class TimelineItemResponse {
  @ApiProperty({ enum: ['session_note', 'follow_up', 'assessment', 'group_session'] })
  type: string;

  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt: string;

  @ApiProperty({ type: String, nullable: true, example: 'signed' })
  status: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'A non-narrative label: contact type, follow-up label, instrument and total, group topic',
  })
  label: string | null;
}

export class TimelinePageResponse {
  @ApiProperty({ type: [TimelineItemResponse] })
  items: TimelineItemResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
