import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

import { CertificationResponse } from './certification.dto';
import { CeHoursResponse, SupervisionHoursResponse } from './hours.dto';

export class UpdateSpecialistDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Per-specialist cap; null returns to the organization default',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  readonly caseloadCap: number | null;
}

export class RenewalResponse {
  @ApiProperty({ enum: ['met', 'in_progress', 'no_certification'] })
  status: string;

  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'Exclusive' })
  cycleStart: string | null;

  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    description: 'The latest expiry, inclusive',
  })
  cycleEnd: string | null;

  @ApiProperty()
  requiredHours: number;

  @ApiProperty()
  requiredEthicsHours: number;

  @ApiProperty()
  cycleYears: number;

  @ApiProperty()
  earnedHours: number;

  @ApiProperty()
  earnedEthicsHours: number;

  @ApiProperty()
  remainingHours: number;

  @ApiProperty()
  remainingEthicsHours: number;
}

export class SpecialistResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'Version of the profile (caseload cap); PATCH with If-Match' })
  version: number;

  @ApiProperty()
  firstName: string;

  @ApiProperty()
  lastName: string;

  @ApiProperty()
  role: string;

  @ApiProperty()
  active: boolean;

  @ApiProperty({ enum: ['none', 'expired', 'expiring', 'active'] })
  certificationStatus: string;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  certificationExpiresOn: string | null;

  @ApiProperty({ type: [CertificationResponse] })
  certifications: CertificationResponse[];

  @ApiProperty({ type: [CeHoursResponse] })
  ceHours: CeHoursResponse[];

  @ApiProperty({ type: RenewalResponse })
  renewal: RenewalResponse;

  @ApiProperty({ type: [SupervisionHoursResponse] })
  supervisionHours: SupervisionHoursResponse[];

  @ApiProperty()
  supervisionHoursTotal: number;

  @ApiProperty({ description: 'Effective cap: the override, else the organization default' })
  caseloadCap: number;

  @ApiProperty({ type: Number, nullable: true })
  caseloadCapOverride: number | null;

  @ApiProperty({ description: 'Clients on the caseload that are not closed' })
  activeCaseloadCount: number;
}
