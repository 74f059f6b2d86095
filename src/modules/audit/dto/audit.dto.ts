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
  @IsOptional()
  @IsUUID()
  readonly actorId?: string;

  /** Events about this client: single-record events and list reads that showed it */
  @IsOptional()
  @IsUUID()
  readonly clientId?: string;

  @ApiPropertyOptional({ example: 'auth.login' })
  @IsOptional()
  @Matches(/^[a-z0-9.-]{1,100}$/, { message: 'action must be a dotted action name' })
  @IsString()
  readonly action?: string;

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

  @ApiProperty({ format: 'uuid' })
  actorId: string | null;

  actorRole: string | null;

  action: string;

  @ApiProperty({ format: 'uuid', description: 'The client of a single-record event' })
  clientId: string | null;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    nullable: true,
    description: 'A list read: every client the page showed (one event per read)',
  })
  clientIds: string[] | null;

  resourceType: string | null;

  resourceId: string | null;

  @ApiProperty({ enum: ['success', 'denied', 'failure'] })
  outcome: string;

  correlationId: string | null;
}

export class AuditEventPageResponse {
  items: AuditEventResponse[];

  nextCursor: string | null;
}

/**
 * The head of a chain seen earlier (kept outside the database, e.g. in a SIEM): verify then also
 * checks that this event is still there with this hash, so a truncated tail is found too.
 */
export class AuditVerifyQuery {
  /** seq of a head recorded earlier; with anchorHash */
  @ValidateIf((q: AuditVerifyQuery) => q.anchorSeq !== undefined || q.anchorHash !== undefined)
  @Type(() => Number)
  @Min(1)
  @IsInt()
  readonly anchorSeq?: number;

  /** its hash (hex); with anchorSeq */
  @ValidateIf((q: AuditVerifyQuery) => q.anchorSeq !== undefined || q.anchorHash !== undefined)
  @Matches(/^[0-9a-f]{64}$/, { message: 'anchorHash must be 64 lowercase hex digits' })
  readonly anchorHash?: string;

  /** Verify only the events sealed from this instant on (linked to the event before them) */
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly from?: string;

  /** ... and before this instant */
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly to?: string;
}

export class AuditChainHead {
  seq: number;

  /** SHA-256, hex */
  hash: string;
}

export class AuditVerifyResponse {
  valid: boolean;

  /** Events checked */
  checked: number;

  @ApiProperty({ format: 'uuid', description: 'First event whose link is broken' })
  firstBrokenId: string | null;

  /** The last sealed event: record it elsewhere and pass it back as the anchor later */
  head: AuditChainHead | null;

  /** Whether the anchor given is still in the chain; null without one */
  anchorFound: boolean | null;
}
