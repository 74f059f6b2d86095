import { createParamDecorator, ExecutionContext } from '@nestjs/common';

import { DomainError } from '../../common/errors/domain-error';

/** The raw text of a `text/csv` body (the HTTP setup's parser); any other body is a 415. */
export const CsvBody = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const body: unknown = ctx.switchToHttp().getRequest().body;
  if (typeof body !== 'string') {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as text/csv.');
  }
  return body;
});
