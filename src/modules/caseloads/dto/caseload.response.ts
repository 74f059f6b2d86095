import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class SpecialistIdParam {
  @IsUUID()
  readonly specialistId: string;
}

export class CaseloadSummaryResponse {
  @ApiProperty({ format: 'uuid' })
  specialistId: string;

  firstName: string;

  lastName: string;

  active: boolean;

  /** Clients on the caseload that are not closed */
  activeClients: number;

  caseloadCap: number;

  noContact14Days: number;

  overdueFollowUps: number;

  /** Completed share of follow-ups due in the last 90 days */
  followUpCompletionRate: number | null;

  /** Draft notes of sessions more than 72 hours ago */
  unsignedNotesOver72Hours: number;

  /** Signed notes awaiting a supervisor’s review */
  notesAwaitingReview: number;

  /** Active recovery plans past their review date */
  plansPastReview: number;

  @ApiProperty({ enum: ['none', 'expired', 'expiring', 'active'] })
  certificationStatus: string;

  credential: string | null;

  @ApiProperty({ format: 'date' })
  certificationExpiresOn: string | null;
}

export class CaseloadPageResponse {
  items: CaseloadSummaryResponse[];

  nextCursor: string | null;
}

export class CaseloadClientResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  firstName: string;

  lastName: string;

  preferredName: string | null;

  status: string;

  needsReassignment: boolean;

  @ApiProperty({ format: 'date-time' })
  lastContactAt: string | null;

  @ApiProperty({ format: 'date-time', description: 'Earliest open follow-up' })
  nextFollowUpDueAt: string | null;

  overdueFollowUps: number;
}

export class CaseloadDetailResponse extends CaseloadSummaryResponse {
  clients: CaseloadClientResponse[];
}
