import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';

import { NoNul } from '../../resources/dto/no-nul';
import { RESOURCE_CATEGORIES, ResourceCategory } from '../../resources/resource-categories';
import { REFERRAL_STATUSES, REFERRAL_TARGETS, ReferralTarget } from '../referral-status';

export class CreateReferralOutDto {
  /** A resource of the organization's directory, active */
  @ApiProperty({ example: '6d2f0a8e-41b7-4c3a-9e5d-7a1b2c3d4e05' })
  @IsUUID()
  readonly resourceId: string;

  @ApiProperty({ enum: RESOURCE_CATEGORIES, description: 'The need this referral meets' })
  @IsIn(RESOURCE_CATEGORIES)
  readonly need: ResourceCategory;

  @ApiProperty({ example: 'Needs a bed within the week; open to sober living' })
  @NoNul()
  @MaxLength(2000)
  @MinLength(1)
  @IsString()
  readonly reason: string;

  /** A declined referral of the same client that this one re-sends (each is re-sent once) */
  @ApiPropertyOptional({ example: '9a4c7e21-5b3d-4f8a-8c6e-1d2f3a4b5c07' })
  @IsOptional()
  @IsUUID()
  readonly resentFromId?: string;
}

export class TransitionReferralOutDto {
  @IsIn(REFERRAL_TARGETS)
  readonly status: ReferralTarget;
}

export class ReferralOutEventResponse {
  @ApiProperty({ enum: REFERRAL_STATUSES })
  status: string;

  @ApiProperty({ format: 'uuid' })
  actorId: string | null;

  @ApiProperty({ format: 'date-time' })
  occurredAt: string;
}

export class ReferralOutResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({ format: 'uuid' })
  resourceId: string;

  resourceName: string;

  @ApiProperty({ enum: RESOURCE_CATEGORIES })
  need: string;

  reason: string;

  @ApiProperty({ enum: REFERRAL_STATUSES })
  status: string;

  @ApiProperty({ format: 'uuid' })
  resentFromId: string | null;

  @ApiProperty({ format: 'date-time' })
  sentAt: string;

  @ApiProperty({ format: 'uuid' })
  sentById: string | null;

  /** Every status the referral went through, oldest first, with who and when */
  history: ReferralOutEventResponse[];

  /** The connection-check follow-up task (null until the worker has created it) */
  @ApiProperty({ format: 'uuid' })
  followUpId: string | null;

  @ApiProperty({ format: 'date-time' })
  followUpDueAt: string;

  /** Also the ETag; send it back in If-Match to change the status */
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class ReferralOutPageResponse {
  items: ReferralOutResponse[];

  nextCursor: string | null;
}
