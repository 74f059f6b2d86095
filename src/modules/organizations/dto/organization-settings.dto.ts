import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** The organization's settings (admin): the rules SPEC sections 3, 4 and 7 leave to each program. */
export class OrganizationSettingsResponse {
  @ApiProperty({
    description: 'Default caseload cap of a specialist without an own cap',
    example: 25,
  })
  caseloadCap: number;

  @ApiProperty({
    description: 'Days after a credential expires during which notes may still be signed',
    example: 0,
  })
  credentialGraceDays: number;

  @ApiProperty({
    description: 'Continuing-education hours required per renewal cycle',
    example: 20,
  })
  ceRequiredHours: number;

  @ApiProperty({ description: 'Of which in ethics', example: 6 })
  ceRequiredEthicsHours: number;

  @ApiProperty({ description: 'Length of a renewal cycle in years', example: 2 })
  ceCycleYears: number;

  @ApiProperty({
    description: '"Unable to reach" attempts on a follow-up before the supervisors are told',
    example: 3,
  })
  followUpUnreachableEscalationAttempts: number;

  @ApiProperty({
    description: 'Days after a referral out is sent that its connection check falls due',
    example: 7,
  })
  referralFollowUpDays: number;

  @ApiProperty({
    description: 'IANA time zone of the resource directory’s opening hours ("open now")',
    example: 'America/New_York',
  })
  timeZone: string;

  /** Also the ETag; send it back in If-Match to update */
  version: number;
}

/** `@IsInt()` sits last on each field: evaluated first, so a wrong type is named as such. */
export class UpdateOrganizationSettingsDto {
  @ApiPropertyOptional({ example: 25 })
  @IsOptional()
  @Min(1)
  @Max(1000)
  @IsInt()
  readonly caseloadCap?: number;

  @ApiPropertyOptional({ example: 0 })
  @IsOptional()
  @Min(0)
  @Max(365)
  @IsInt()
  readonly credentialGraceDays?: number;

  @ApiPropertyOptional({ example: 20 })
  @IsOptional()
  @Min(1)
  @Max(200)
  @IsInt()
  readonly ceRequiredHours?: number;

  /** At most ceRequiredHours */
  @ApiPropertyOptional({ example: 6 })
  @IsOptional()
  @Min(0)
  @Max(200)
  @IsInt()
  readonly ceRequiredEthicsHours?: number;

  @ApiPropertyOptional({ example: 2 })
  @IsOptional()
  @Min(1)
  @Max(5)
  @IsInt()
  readonly ceCycleYears?: number;

  @ApiPropertyOptional({ example: 3 })
  @IsOptional()
  @Min(1)
  @Max(20)
  @IsInt()
  readonly followUpUnreachableEscalationAttempts?: number;

  @ApiPropertyOptional({ example: 7 })
  @IsOptional()
  @Min(1)
  @Max(90)
  @IsInt()
  readonly referralFollowUpDays?: number;

  /** IANA name, e.g. America/New_York */
  @ApiPropertyOptional({ example: 'America/New_York' })
  @IsOptional()
  @MaxLength(64)
  @IsString()
  readonly timeZone?: string;
}
