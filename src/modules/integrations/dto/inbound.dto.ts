import { ApiProperty, IntersectionType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsISO8601,
  IsObject,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';

import { ClientFieldsDto, ClientIdentifierDto } from '../../clients/dto/create-client.dto';
import { CreateDischargeDto, DischargeResponse } from '../../discharges/dto/discharge.dto';

/** The person an inbound message is about: matched by identifier, created when none matches. */
export class InboundClientDto extends PickType(ClientFieldsDto, [
  'firstName',
  'lastName',
  'dateOfBirth',
] as const) {
  @ApiProperty({ type: [ClientIdentifierDto], minItems: 1, maxItems: 10 })
  @ValidateNested({ each: true })
  @Type(() => ClientIdentifierDto)
  @ArrayMaxSize(10)
  @ArrayMinSize(1)
  @IsArray()
  readonly identifiers: ClientIdentifierDto[];
}

class InboundClientHolder {
  @ApiProperty({ type: InboundClientDto })
  @ValidateNested()
  @Type(() => InboundClientDto)
  @IsObject()
  readonly client: InboundClientDto;
}

/** A discharge sent by a hospital or treatment system (SPEC 12). */
export class InboundDischargeDto extends IntersectionType(
  InboundClientHolder,
  CreateDischargeDto,
) {}

/** A referral: a new person for the peer program, without a discharge of its own. */
export class InboundReferralDto extends InboundClientHolder {
  @ApiProperty({ example: 'Riverside Emergency Department', maxLength: 200 })
  @MinLength(1)
  @MaxLength(200)
  @IsString()
  readonly facility: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-30T16:00:00Z' })
  @IsISO8601({ strict: true })
  readonly referredAt: string;
}

export class InboundDischargeResponse extends DischargeResponse {
  @ApiProperty({ description: 'True when no client matched and a new one was created' })
  clientCreated: boolean;
}

export class ReferralResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  clientId: string;

  @ApiProperty({ description: 'True when no client matched and a new one was created' })
  clientCreated: boolean;

  facility: string;

  @ApiProperty({ format: 'date-time' })
  referredAt: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}
