import { ApiProperty } from '@nestjs/swagger';

import { DISCLOSURE_PURPOSES } from '../../../auth/access/consent.sql';

export class DisclosedResource {
  @ApiProperty({ description: 'The FHIR resource type disclosed', example: 'Patient' })
  type: string;

  @ApiProperty({ description: 'The id of the resource disclosed' })
  id: string;
}

export class DisclosureResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid', description: 'The API client the records were disclosed to' })
  recipientId: string;

  @ApiProperty({ enum: DISCLOSURE_PURPOSES })
  purpose: string;

  @ApiProperty({ format: 'uuid', description: 'The consent the disclosure was made under' })
  consentId: string;

  @ApiProperty({ type: [DisclosedResource] })
  resources: DisclosedResource[];

  @ApiProperty({ format: 'date-time' })
  disclosedAt: string;

  @ApiProperty({ nullable: true, type: String })
  correlationId: string | null;
}

export class DisclosurePageResponse {
  items: DisclosureResponse[];

  nextCursor: string | null;
}
