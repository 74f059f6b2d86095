import { ApiProperty } from '@nestjs/swagger';

import { HELPFUL_PLACE_KINDS, HelpfulPlaceKind } from '../relapse-plan-content';

export class PersonToCallResponse {
  name: string;
  relationship: string | null;
  phone: string | null;
  when: string | null;
}

export class HelpfulPlaceResponse {
  name: string;

  @ApiProperty({ enum: HELPFUL_PLACE_KINDS })
  kind: HelpfulPlaceKind;

  details: string | null;
}

export class CrisisContactResponse {
  name: string;
  phone: string;
}

class RelapsePlanContentResponse {
  triggers: string[];
  warningSigns: string[];
  copingStrategies: string[];
  peopleToCall: PersonToCallResponse[];
  helpfulPlaces: HelpfulPlaceResponse[];
  crisisSteps: string[];
  crisisContacts: CrisisContactResponse[];
  reasonsForRecovery: string[];
}

/** The client's current plan. `version` is also the ETag: send it back in If-Match to change it. */
export class RelapsePreventionPlanResponse extends RelapsePlanContentResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  version: number;

  /** The latest day the plan was gone over with the client */
  @ApiProperty({ type: String, format: 'date', nullable: true })
  lastReviewedOn: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  lastReviewedById: string | null;

  /** Last review (or creation) plus 90 days */
  @ApiProperty({ format: 'date' })
  reviewDueOn: string;

  reviewOverdue: boolean;

  @ApiProperty({ format: 'uuid' })
  createdById: string;

  @ApiProperty({ format: 'uuid' })
  updatedById: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

/** One version of the plan as it was written (versions are never changed). */
export class RelapsePlanVersionResponse extends RelapsePlanContentResponse {
  @ApiProperty({ format: 'uuid' })
  planId: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  version: number;

  @ApiProperty({ format: 'uuid' })
  authorId: string;

  /** The day this version was gone over with the client, if it was */
  @ApiProperty({ type: String, format: 'date', nullable: true })
  reviewedOn: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  reviewedById: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class RelapsePlanVersionPageResponse {
  @ApiProperty({ type: [RelapsePlanVersionResponse] })
  items: RelapsePlanVersionResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

/** Where a risk-flagged note points: the client's relapse-prevention plan and its last review. */
export class RelapsePlanPointerResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  version: number;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  lastReviewedOn: string | null;

  @ApiProperty({ format: 'date' })
  reviewDueOn: string;

  reviewOverdue: boolean;
}
