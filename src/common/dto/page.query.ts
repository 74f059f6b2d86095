import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, IsInt, IsOptional, Max, Min } from 'class-validator';

import { MAX_CURSOR_LENGTH } from './pagination';

export const MAX_PAGE_SIZE = 100;

/** `?limit=&cursor=` of every list endpoint (SPEC section 1). */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  readonly limit: number = 20;

  // Checked by the list's Pager (signature, shape, length), so that anything wrong with a cursor
  // answers the one code INVALID_CURSOR: it is opaque, and the fix is always the first page.
  @ApiPropertyOptional({
    description:
      'Opaque cursor from a previous page of the same list, valid for the caller it was issued to; anything else answers 400 INVALID_CURSOR',
    maxLength: MAX_CURSOR_LENGTH,
  })
  @IsOptional()
  @Allow()
  readonly cursor?: string;
}
