import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { PageQuery } from '../../../common/dto/page.query';
import { NoNul } from './no-nul';
import { RESOURCE_CATEGORIES, ResourceCategory } from '../resource-categories';
import { TIME_PATTERN, Weekday, WEEKDAYS } from '../weekly-hours';

const given = (_: unknown, value: unknown): boolean => value !== undefined;
const timeMessage = (field: string) => ({ message: `${field} must be a time HH:MM` });

export class OpeningPeriodDto {
  @IsIn(WEEKDAYS)
  readonly day: Weekday;

  @ApiProperty({ example: '09:00', description: 'Local time in the organization’s time zone' })
  @Matches(/^(?:[01]\d|2[0-3]):[0-5]\d$/, timeMessage('opens'))
  @IsString()
  readonly opens: string;

  @ApiProperty({
    example: '17:00',
    description: 'At or before `opens`: the period runs past midnight into the next day',
  })
  @Matches(TIME_PATTERN, timeMessage('closes'))
  @IsString()
  readonly closes: string;
}

export class CreateResourceDto {
  @ApiProperty({ example: 'Harbor Light Recovery Community Center' })
  @NoNul()
  @MaxLength(200)
  @MinLength(1)
  @IsString()
  readonly name: string;

  @ApiProperty({ enum: RESOURCE_CATEGORIES, isArray: true })
  @IsIn(RESOURCE_CATEGORIES, { each: true })
  @ArrayUnique()
  @ArrayMaxSize(RESOURCE_CATEGORIES.length)
  @ArrayMinSize(1)
  @IsArray()
  readonly categories: ResourceCategory[];

  @ApiPropertyOptional({
    example: 'Peer-run recovery center: all-recovery meetings, coffee, computer lab.',
  })
  @IsOptional()
  @NoNul()
  @MaxLength(4000)
  @IsString()
  readonly description?: string | null;

  @ApiPropertyOptional({ example: '120 Harbor Street, Springfield' })
  @IsOptional()
  @NoNul()
  @MaxLength(500)
  @IsString()
  readonly address?: string | null;

  /** With longitude, or neither */
  @ApiPropertyOptional({ example: 42.1015 })
  @IsOptional()
  @Min(-90)
  @Max(90)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  readonly latitude?: number | null;

  /** With latitude, or neither */
  @ApiPropertyOptional({ example: -72.5898 })
  @IsOptional()
  @Min(-180)
  @Max(180)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  readonly longitude?: number | null;

  @ApiPropertyOptional({ example: 'Hampden County' })
  @IsOptional()
  @NoNul()
  @MaxLength(500)
  @IsString()
  readonly serviceArea?: string | null;

  /** Weekly opening periods, local time of the organization (`timeZone` setting, default UTC) */
  @ValidateIf(given)
  @ValidateNested({ each: true })
  @Type(() => OpeningPeriodDto)
  @ArrayMaxSize(28)
  @IsArray()
  readonly hours?: OpeningPeriodDto[];

  @ApiPropertyOptional({ example: '+1-555-0142' })
  @IsOptional()
  @NoNul()
  @MaxLength(50)
  @IsString()
  readonly phone?: string | null;

  @ApiPropertyOptional({ example: 'https://harborlight.example.org' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @NoNul()
  @MaxLength(2000)
  @IsString()
  readonly url?: string | null;

  @ApiPropertyOptional({ example: 'Adults 18+; no referral needed' })
  @IsOptional()
  @NoNul()
  @MaxLength(2000)
  @IsString()
  readonly eligibility?: string | null;

  @ApiPropertyOptional({ example: ['en', 'es'] })
  @ValidateIf(given)
  @NoNul(true)
  @MaxLength(35, { each: true })
  @MinLength(2, { each: true })
  @IsString({ each: true })
  @ArrayUnique()
  @ArrayMaxSize(20)
  @IsArray()
  readonly languages?: string[];

  @ValidateIf(given)
  @IsBoolean()
  readonly active?: boolean;
}

/** Any subset of the fields; `null` clears an optional one. */
export class UpdateResourceDto extends PartialType(CreateResourceDto) {}

const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class ListResourcesQuery extends PageQuery {
  /** Text in the name, description, address, service area or eligibility notes */
  @IsOptional()
  @NoNul()
  @MaxLength(200)
  @IsString()
  readonly q?: string;

  @IsOptional()
  @IsIn(RESOURCE_CATEGORIES)
  readonly category?: ResourceCategory;

  /** Only resources open now (their weekly hours, in the organization’s time zone) */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  readonly openNow?: boolean;

  @ApiPropertyOptional({
    example: '40.7128,-74.0060',
    description: 'lat,lon: only resources within radiusKm of the point, nearest first',
  })
  @IsOptional()
  @Matches(/^-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?$/, {
    message: 'near must be "lat,lon" in decimal degrees',
  })
  readonly near?: string;

  @ApiPropertyOptional({ default: 25, description: 'With near' })
  @IsOptional()
  @Type(() => Number)
  @Min(0.1)
  @Max(500)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  readonly radiusKm?: number;

  /** Curators (admins, supervisors) may list deactivated resources too */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  readonly includeInactive?: boolean;
}

export class ResourceResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  name: string;

  @ApiProperty({ enum: RESOURCE_CATEGORIES, isArray: true })
  categories: string[];

  description: string | null;

  address: string | null;

  latitude: number | null;

  longitude: number | null;

  serviceArea: string | null;

  hours: OpeningPeriodDto[];

  phone: string | null;

  url: string | null;

  eligibility: string | null;

  languages: string[];

  active: boolean;

  /** Open at the time of the request, by its weekly hours */
  openNow: boolean;

  /** Kilometres from `near` (null without it) */
  distanceKm: number | null;

  /** Also the ETag; send it back in If-Match to update */
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class ResourcePageResponse {
  items: ResourceResponse[];

  nextCursor: string | null;
}

export class ResourceImportResponse {
  created: number;

  updated: number;

  /** The resources of the file's rows, in order */
  ids: string[];
}
