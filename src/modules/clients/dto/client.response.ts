import { ApiProperty } from '@nestjs/swagger';

import { CLIENT_STATUSES, CONTACT_METHODS, ClientStatus, ContactMethod } from '../client.entity';

export class ClientIdentifierResponse {
  system: string;

  value: string;
}

export class ClientResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  version: number;

  @ApiProperty({ enum: CLIENT_STATUSES })
  status: ClientStatus;

  firstName: string;

  lastName: string;

  preferredName: string | null;

  @ApiProperty({ format: 'date' })
  dateOfBirth: string;

  pronouns: string | null;

  email: string | null;

  phone: string | null;

  @ApiProperty({ enum: CONTACT_METHODS })
  preferredContactMethod: ContactMethod | null;

  identifiers: ClientIdentifierResponse[];

  @ApiProperty({ format: 'date' })
  recoveryStartDate: string | null;

  @ApiProperty({ format: 'uuid' })
  primarySpecialistId: string | null;

  needsReassignment: boolean;

  @ApiProperty({ format: 'date' })
  part2NoticeAcknowledgedOn: string | null;

  @ApiProperty({ format: 'date-time' })
  lastContactAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class ClientPageResponse {
  items: ClientResponse[];

  nextCursor: string | null;
}
