import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

import { CertificationResponse } from './certification.dto';
import { CeHoursResponse, SupervisionHoursResponse } from './hours.dto';

export class UpdateSpecialistDto {
  /** Per-specialist cap; null returns to the organization default */
  @ApiProperty({ example: 25 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  readonly caseloadCap: number | null;
}

export class RenewalResponse {
  @ApiProperty({ enum: ['met', 'in_progress', 'no_certification'] })
  status: string;

  @ApiProperty({ format: 'date', description: 'Exclusive' })
  cycleStart: string | null;

  @ApiProperty({ format: 'date', description: 'The latest expiry, inclusive' })
  cycleEnd: string | null;

  requiredHours: number;

  requiredEthicsHours: number;

  cycleYears: number;

  earnedHours: number;

  earnedEthicsHours: number;

  remainingHours: number;

  remainingEthicsHours: number;
}

export class SpecialistResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  /** Version of the profile (caseload cap); PATCH with If-Match */
  version: number;

  firstName: string;

  lastName: string;

  role: string;

  active: boolean;

  @ApiProperty({ enum: ['none', 'expired', 'expiring', 'active'] })
  certificationStatus: string;

  @ApiProperty({ format: 'date' })
  certificationExpiresOn: string | null;

  certifications: CertificationResponse[];

  ceHours: CeHoursResponse[];

  renewal: RenewalResponse;

  supervisionHours: SupervisionHoursResponse[];

  supervisionHoursTotal: number;

  /** Effective cap: the override, else the organization default */
  caseloadCap: number;

  caseloadCapOverride: number | null;

  /** Clients on the caseload that are not closed */
  activeCaseloadCount: number;
}
