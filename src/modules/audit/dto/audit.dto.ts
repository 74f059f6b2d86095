import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Min,
  ValidateIf,
} from 'class-validator';

import { PageQuery } from '../../../common/dto/page.query';

export class AuditQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  readonly actorId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  readonly clientId?: string;

  @ApiPropertyOptional({ example: 'auth.login' })
  @IsOptional()
  @Matches(/^[a-z0-9.-]{1,100}$/, { message: 'action must be a dotted action name' })
  @IsString()
  readonly action?: string;

  @ApiPropertyOptional({ enum: ['success', 'denied', 'failure'] })
  @IsOptional()
  @IsIn(['success', 'denied', 'failure'])
  readonly outcome?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly to?: string;
}

export class AuditEventResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  actorId: string | null;

  @ApiProperty({ nullable: true, type: String })
  actorRole: string | null;

  @ApiProperty()
  action: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  clientId: string | null;

  @ApiProperty({ nullable: true, type: String })
  resourceType: string | null;

  @ApiProperty({ nullable: true, type: String })
  resourceId: string | null;

  @ApiProperty({ enum: ['success', 'denied', 'failure'] })
  outcome: string;

  @ApiProperty({ nullable: true, type: String })
  correlationId: string | null;
}

export class AuditEventPageResponse {
  @ApiProperty({ type: [AuditEventResponse] })
  items: AuditEventResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

/**
 * The head of a chain seen earlier (kept outside the database, e.g. in a SIEM): verify then also
 * checks that this event is still there with this hash, so a truncated tail is found too.
 */
export class AuditVerifyQuery {
  @ApiPropertyOptional({
    minimum: 1,
    description: 'seq of a head recorded earlier; with anchorHash',
  })
  @ValidateIf((q: AuditVerifyQuery) => q.anchorSeq !== undefined || q.anchorHash !== undefined)
  @Type(() => Number)
  @Min(1)
  @IsInt()
  readonly anchorSeq?: number;

  @ApiPropertyOptional({ description: 'its hash (hex); with anchorSeq' })
  @ValidateIf((q: AuditVerifyQuery) => q.anchorSeq !== undefined || q.anchorHash !== undefined)
  @Matches(/^[0-9a-f]{64}$/, { message: 'anchorHash must be 64 lowercase hex digits' })
  readonly anchorHash?: string;
}

export class AuditChainHead {
  @ApiProperty()
  seq: number;

  @ApiProperty({ description: 'SHA-256, hex' })
  hash: string;
}

export class AuditVerifyResponse {
  @ApiProperty()
  valid: boolean;

  @ApiProperty({ description: 'Events checked' })
  checked: number;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'First event whose link is broken',
  })
  firstBrokenId: string | null;

  @ApiProperty({
    type: AuditChainHead,
    nullable: true,
    description: 'The last sealed event: record it elsewhere and pass it back as the anchor later',
  })
  head: AuditChainHead | null;

  @ApiProperty({
    type: Boolean,
    nullable: true,
    description: 'Whether the anchor given is still in the chain; null without one',
  })
  anchorFound: boolean | null;
}
