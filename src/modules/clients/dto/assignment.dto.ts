import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class CreateAssignmentDto {
  /** An active peer specialist on a team you supervise */
  @ApiProperty({ example: '8f14e45f-ceea-467f-a0e2-3c8d1b2a9e01' })
  @IsUUID()
  readonly specialistId: string;

  @ApiPropertyOptional({ example: 'Caseload rebalancing' })
  @IsOptional()
  @MaxLength(500)
  @IsString()
  readonly reason?: string;

  /** Assign beyond the specialist’s caseload cap */
  @IsOptional()
  @IsBoolean()
  readonly overrideCaseloadCap?: boolean;
}

export class AssignmentResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({ format: 'uuid', description: 'null: released to the queue' })
  specialistId: string | null;

  @ApiProperty({ format: 'uuid' })
  assignedById: string | null;

  reason: string | null;

  @ApiProperty({ format: 'date-time' })
  startedAt: string;

  @ApiProperty({ format: 'date-time' })
  endedAt: string | null;
}

export class AssignmentPageResponse {
  items: AssignmentResponse[];

  nextCursor: string | null;
}

export class CreateCoverageDto {
  /** An active peer specialist on a team you supervise */
  @ApiProperty({ example: 'c9f0f895-fb98-4b91-8c5e-2f4a7d3e6b02' })
  @IsUUID()
  readonly specialistId: string;

  @ApiPropertyOptional({
    example: '2026-12-07T08:00:00Z',
    format: 'date-time',
    description: 'Default: now',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly startsAt?: string;

  @ApiProperty({ example: '2026-12-14T20:00:00Z', format: 'date-time' })
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

  @ApiProperty({ format: 'uuid' })
  createdById: string | null;

  @ApiProperty({ format: 'date-time' })
  startsAt: string;

  @ApiProperty({ format: 'date-time' })
  endsAt: string;

  @ApiProperty({ format: 'date-time', description: 'When a supervisor ended it early' })
  revokedAt: string | null;

  /** Grants access now: started, not ended, not revoked */
  active: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class CoveragePageResponse {
  items: CoverageResponse[];

  nextCursor: string | null;
}

export class CoverageParam {
  @IsUUID()
  readonly id: string;

  @IsUUID()
  readonly coverageId: string;
}
