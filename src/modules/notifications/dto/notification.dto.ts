import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';

import { PageQuery } from '../../../common/dto/page.query';

export class NotificationQuery extends PageQuery {
  /** Only unread notifications */
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  readonly unread?: boolean;
}

export class NotificationResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'security.account-locked' })
  kind: string;

  resourceType: string | null;

  resourceId: string | null;

  @ApiProperty({ format: 'uuid' })
  clientId: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true })
  data: Record<string, unknown>;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  readAt: string | null;
}

export class NotificationPageResponse {
  items: NotificationResponse[];

  nextCursor: string | null;
}
