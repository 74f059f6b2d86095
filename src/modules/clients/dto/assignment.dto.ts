import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class CreateAssignmentDto {
  @ApiProperty({ format: 'uuid', description: 'An active peer specialist on a team you supervise' })
  @IsUUID()
  readonly specialistId: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @MaxLength(500)
  @IsString()
  readonly reason?: string;

  @ApiPropertyOptional({ description: 'Assign beyond the specialist’s caseload cap' })
  @IsOptional()
  @IsBoolean()
  readonly overrideCaseloadCap?: boolean;
}

export class AssignmentResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null: released to the queue',
  })
  specialistId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  assignedById: string | null;

  @ApiProperty({ type: String, nullable: true })
  reason: string | null;

  @ApiProperty({ format: 'date-time' })
  startedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  endedAt: string | null;
}

export class AssignmentPageResponse {
  @ApiProperty({ type: [AssignmentResponse] })
  items: AssignmentResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class CreateCoverageDto {
  @ApiProperty({ format: 'uuid', description: 'An active peer specialist on a team you supervise' })
  @IsUUID()
  readonly specialistId: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Default: now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly startsAt?: string;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true })
  readonly endsAt: string;
}

export class CoverageResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({ format: 'uuid' })
  specialistId: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  createdById: string | null;

  @ApiProperty({ format: 'date-time' })
  startsAt: string;

  @ApiProperty({ format: 'date-time' })
  endsAt: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When a supervisor ended it early',
  })
  revokedAt: string | null;

  @ApiProperty({ description: 'Grants access now: started, not ended, not revoked' })
  active: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class CoveragePageResponse {
  @ApiProperty({ type: [CoverageResponse] })
  items: CoverageResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export class CoverageParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  readonly id: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  readonly coverageId: string;
}
