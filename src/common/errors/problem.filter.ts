import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { DomainError } from './domain-error';
import { toProblem } from './problem';
import { toDomainError } from './to-domain-error';

/** The one place errors become responses: RFC 9457 problem+json, no stack, SQL or PHI. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendProblem(request, reply, exception, this.logger);
  }
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  exception: unknown,
  logger: Pick<Logger, 'error'>,
): void {
  let error = toDomainError(exception);
  if (!error) {
    // A bug: log the stack (never sent), answer a generic 500.
    logger.error({ err: safeError(exception), correlationId: request.id }, 'Unhandled error');
    error = new DomainError('INTERNAL_ERROR', 'An unexpected error occurred.');
  }
  const problem = toProblem(error, String(request.id));
  if (error.extra.retryAfterSeconds !== undefined) {
    reply.header('Retry-After', String(error.extra.retryAfterSeconds));
  }
  reply.status(problem.status).header('Content-Type', 'application/problem+json').send(problem);
}

/**
 * What of an unexpected error may be logged: its kind, message, code and stack. Never the whole
 * object: a TypeORM QueryFailedError carries the statement's parameters (names, dates of birth)
 * and Postgres' `detail` carries key values.
 */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: withoutValues(error.message),
    code,
    stack: error.stack && withoutValues(error.stack),
  };
}

// Postgres quotes the offending input after a colon (`invalid input syntax for type uuid: "…"`,
// `invalid input value for enum …: "…"`): whatever a client sent, a name or a date of birth.
// Identifiers (`constraint "x"`, `relation "y"`) follow no colon and stay, for debugging.
const QUOTED_VALUE = /(:\s*)"(?:[^"\\]|\\.)*"/g;

function withoutValues(text: string): string {
  return text.replace(QUOTED_VALUE, '$1"[redacted]"');
}

export { DomainError };
