import { ApiProperty, PickType } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

import { ClientResponse } from '../../clients/dto/client.response';

export class SpecialistIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  readonly specialistId: string;
}

export class CaseloadSummaryResponse {
  @ApiProperty({ format: 'uuid' })
  specialistId: string;

  @ApiProperty()
  firstName: string;

  @ApiProperty()
  lastName: string;

  @ApiProperty()
  active: boolean;

  @ApiProperty({ description: 'Clients on the caseload that are not closed' })
  activeClients: number;

  @ApiProperty()
  caseloadCap: number;

  @ApiProperty()
  noContact14Days: number;

  @ApiProperty()
  overdueFollowUps: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Completed share of follow-ups due in the last 90 days',
  })
  followUpCompletionRate: number | null;

  @ApiProperty({ description: 'Draft notes of sessions more than 72 hours ago' })
  unsignedNotesOver72Hours: number;

  @ApiProperty({ description: 'Signed notes awaiting a supervisor’s review' })
  notesAwaitingReview: number;

  @ApiProperty({ description: 'Active recovery plans past their review date' })
  plansPastReview: number;

  @ApiProperty({
    description: 'Clients whose relapse-prevention plan was not reviewed with them in 90 days',
  })
  relapsePlansNotReviewed90Days: number;

  @ApiProperty({ enum: ['none', 'expired', 'expiring', 'active'] })
  certificationStatus: string;

  @ApiProperty({ type: String, nullable: true })
  credential: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  certificationExpiresOn: string | null;
}

export class CaseloadPageResponse {
  @ApiProperty({ type: [CaseloadSummaryResponse] })
  items: CaseloadSummaryResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

/** A client on the caseload: a few of the client's own fields, and the follow-up summary. */
export class CaseloadClientResponse extends PickType(ClientResponse, [
  'id',
  'firstName',
  'lastName',
  'preferredName',
  'status',
  'needsReassignment',
  'lastContactAt',
] as const) {
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Earliest open follow-up',
  })
  nextFollowUpDueAt: string | null;

  @ApiProperty()
  overdueFollowUps: number;

  @ApiProperty({ description: 'The relapse-prevention plan was not reviewed in 90 days' })
  relapsePlanReviewOverdue: boolean;
}

export class CaseloadDetailResponse extends CaseloadSummaryResponse {
  @ApiProperty({ type: [CaseloadClientResponse] })
  clients: CaseloadClientResponse[];
}
