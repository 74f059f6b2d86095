import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';

import {
  ContactType,
  NoteFormat,
  PeerIntervention,
  ReviewDecision,
  RiskFlag,
} from '../session-note.enums';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const SECTIONS_EXAMPLE = {
  data: 'Met at the library; talked about the job fair.',
  assessment: 'Motivated.',
  plan: 'Meet Friday.',
};

export class CreateSessionNoteDto {
  @ApiProperty({ format: 'date-time', example: '2026-11-22T14:05:00Z' })
  @IsISO8601({ strict: true })
  @Matches(INSTANT, { message: 'startedAt must be an ISO-8601 instant' })
  readonly startedAt: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T14:50:00Z' })
  @IsISO8601({ strict: true })
  @Matches(INSTANT, { message: 'endedAt must be an ISO-8601 instant' })
  readonly endedAt: string;

  @ApiProperty({ enum: ContactType })
  @IsEnum(ContactType)
  readonly contactType: ContactType;

  @ApiPropertyOptional({ example: 'community', maxLength: 200 })
  @IsOptional()
  @MaxLength(200)
  @IsString()
  readonly setting?: string;

  @ApiProperty({ enum: NoteFormat })
  @IsEnum(NoteFormat)
  readonly format: NoteFormat;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: SECTIONS_EXAMPLE,
    description: 'Keys required by the format; drafts may leave some empty, signing needs all',
  })
  @IsOptional()
  @IsObject()
  readonly sections?: Record<string, string>;

  @ApiPropertyOptional({
    example: ['8f14e45f-ceea-467f-a0e2-3c8d1b2a9e01'],
    type: [String],
    format: 'uuid',
    description: 'Goals of this client addressed',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  readonly goalIds?: string[];

  @ApiPropertyOptional({ enum: PeerIntervention, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsEnum(PeerIntervention, { each: true })
  readonly interventions?: PeerIntervention[];

  @ApiPropertyOptional({ enum: RiskFlag, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsEnum(RiskFlag, { each: true })
  readonly riskFlags?: RiskFlag[];
}

/** Every field optional; a present field replaces the stored one (`sections` as a whole). */
export class UpdateSessionNoteDto extends PartialType(CreateSessionNoteDto) {}

export class CreateAddendumDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 20000,
    example: 'Correction: the meeting was at the community center.',
  })
  @Matches(/\S/, { message: 'text must not be blank' })
  @MinLength(1)
  @MaxLength(20000)
  @IsString()
  readonly text: string;
}

export class ReviewNoteDto {
  @ApiProperty({ enum: ReviewDecision })
  @IsEnum(ReviewDecision)
  readonly decision: ReviewDecision;

  @ApiPropertyOptional({
    example: 'Clear and complete; thank you.',
    maxLength: 5000,
    description: 'Required when the decision is needs_revision',
  })
  @IsOptional()
  @MaxLength(5000)
  @IsString()
  readonly comment?: string;
}
