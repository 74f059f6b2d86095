import { HttpException } from '@nestjs/common';
import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';

import { DomainError, ServiceUnavailableError } from './domain-error';
import { ErrorCode } from './error-codes';

const HTTP_CODES: Record<number, [ErrorCode, string]> = {
  400: ['MALFORMED_REQUEST', 'The request could not be read.'],
  401: ['UNAUTHENTICATED', 'A valid access token is required.'],
  403: ['FORBIDDEN', 'Your role may not perform this action.'],
  404: ['ROUTE_NOT_FOUND', 'No such route.'],
  405: ['METHOD_NOT_ALLOWED', 'Method not allowed on this route.'],
  413: ['PAYLOAD_TOO_LARGE', 'The request body exceeds 256 KiB.'],
  415: ['UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type.'],
  429: ['RATE_LIMITED', 'Too many requests; slow down.'],
};

// Errors a broken or restarting Postgres or Redis raise: the caller should retry, not see a 500.
// Postgres SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown,
// crash, not yet accepting connections) are all of this kind, as is 53300 (too many connections).
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '53300']);
const UNAVAILABLE_CODE_CLASSES = /^(08|57P)/;
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Connection is closed|MaxRetriesPerRequest|Stream isn't writeable|not queryable|terminating connection|the database system is (shutting down|starting up|in recovery mode|not yet accepting connections)/i;

function isUnavailable(error: {
  code?: unknown;
  message?: unknown;
  driverError?: { code?: unknown };
}): boolean {
  for (const code of [error.code, error.driverError?.code]) {
    if (
      typeof code === 'string' &&
      (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_CODE_CLASSES.test(code))
    )
      return true;
  }
  const message = typeof error.message === 'string' ? error.message : '';
  return UNAVAILABLE_MESSAGES.test(message);
}

/** Maps anything thrown to a DomainError, or undefined for a genuine bug (a 500). */
export function toDomainError(error: unknown): DomainError | undefined {
  if (error instanceof DomainError) return error;
  if (error instanceof HttpException) {
    const [code, message] = HTTP_CODES[error.getStatus()] ?? ['MALFORMED_REQUEST', 'Bad request.'];
    return new DomainError(code, message);
  }
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413) {
    return new DomainError(...HTTP_CODES[413]);
  }
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.statusCode === 415) {
    return new DomainError(...HTTP_CODES[415]);
  }
  if (
    (typeof e.code === 'string' && e.code.startsWith('FST_ERR_CTP')) ||
    error instanceof SyntaxError
  ) {
    return new DomainError('MALFORMED_REQUEST', 'The request body is not valid JSON.');
  }
  // TypeORM releases a transaction's query runner when its connection errors (Postgres shutting
  // down while the transaction sits between two statements): the next statement throws one of these.
  if (
    isUnavailable(e) ||
    error instanceof QueryRunnerAlreadyReleasedError ||
    error instanceof QueryRunnerProviderAlreadyReleasedError
  ) {
    return new ServiceUnavailableError();
  }
  return undefined;
}
