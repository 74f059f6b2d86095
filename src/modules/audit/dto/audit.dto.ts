import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches } from 'class-validator';

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

export class AuditVerifyResponse {
  @ApiProperty()
  valid: boolean;

  @ApiProperty({ description: 'Events checked' })
  checked: number;

  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'First event whose link is broken' })
  firstBrokenId: string | null;
}
