import { ApiProperty } from '@nestjs/swagger';

import { CLIENT_STATUSES, CONTACT_METHODS, ClientStatus, ContactMethod } from '../client.entity';

export class ClientIdentifierResponse {
  @ApiProperty()
  system: string;

  @ApiProperty()
  value: string;
}

export class ClientResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  version: number;

  @ApiProperty({ enum: CLIENT_STATUSES })
  status: ClientStatus;

  @ApiProperty()
  firstName: string;

  @ApiProperty()
  lastName: string;

  @ApiProperty({ type: String, nullable: true })
  preferredName: string | null;

  @ApiProperty({ format: 'date' })
  dateOfBirth: string;

  @ApiProperty({ type: String, nullable: true })
  pronouns: string | null;

  @ApiProperty({ type: String, nullable: true })
  email: string | null;

  @ApiProperty({ type: String, nullable: true })
  phone: string | null;

  @ApiProperty({ enum: CONTACT_METHODS, nullable: true })
  preferredContactMethod: ContactMethod | null;

  @ApiProperty({ type: [ClientIdentifierResponse] })
  identifiers: ClientIdentifierResponse[];

  @ApiProperty({ type: String, format: 'date', nullable: true })
  recoveryStartDate: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  primarySpecialistId: string | null;

  @ApiProperty()
  needsReassignment: boolean;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  part2NoticeAcknowledgedOn: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastContactAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class ClientPageResponse {
  @ApiProperty({ type: [ClientResponse] })
  items: ClientResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
