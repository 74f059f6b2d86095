import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { DomainError } from '../../common/errors/domain-error';
import { ERROR_STATUS, ErrorCode } from '../../common/errors/error-codes';
import { safeError } from '../../common/errors/problem.filter';
import { toDomainError } from '../../common/errors/to-domain-error';
import { FHIR_JSON } from './fhir-labels';
import { FhirRequestRejected } from './fhir-validator';

type IssueCode = OperationOutcomeIssue['code'];

// The `issue.code` (http://hl7.org/fhir/issue-type) a FHIR client keys on, for each error code.
function issueCode(code: ErrorCode): IssueCode {
  switch (code) {
    case 'NOT_FOUND':
      return 'not-found';
    case 'ROUTE_NOT_FOUND':
    case 'UNSUPPORTED_SEARCH_PARAMETER':
    case 'METHOD_NOT_ALLOWED':
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'not-supported';
    case 'UNAUTHENTICATED':
      return 'login';
    case 'FORBIDDEN':
      return 'forbidden';
    case 'VALIDATION_FAILED':
    case 'MALFORMED_REQUEST':
    case 'INVALID_CURSOR':
      return 'invalid';
    case 'RATE_LIMITED':
      return 'throttled';
    case 'SERVICE_UNAVAILABLE':
      return 'transient';
    default:
      return 'exception';
  }
}

/** An error as a FHIR OperationOutcome: one issue per field error, or one for the error. */
export function toOperationOutcome(error: DomainError): OperationOutcome {
  const code = issueCode(error.code);
  const fields = error.extra.errors ?? [];
  const issue: OperationOutcomeIssue[] =
    fields.length > 0
      ? fields.map((f) => ({
          severity: 'error',
          code,
          details: { text: error.message },
          diagnostics: `${f.field}: ${f.message}`,
        }))
      : [{ severity: 'error', code, details: { text: error.message }, diagnostics: error.code }];
  return { resourceType: 'OperationOutcome', issue };
}

/**
 * The FHIR facade's errors (its guards' 401 and 403 too): OperationOutcome as
 * application/fhir+json instead of problem+json, with the same statuses and no PHI.
 */
@Catch()
export class FhirOutcomeFilter implements ExceptionFilter {
  private readonly logger = new Logger('FhirOutcomeFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof FhirRequestRejected) {
      reply.status(exception.status).header('Content-Type', FHIR_JSON).send(exception.outcome);
      return;
    }
    let error = toDomainError(exception);
    if (!error) {
      this.logger.error(
        { err: safeError(exception), correlationId: request.id },
        'Unhandled error',
      );
      error = new DomainError('INTERNAL_ERROR', 'An unexpected error occurred.');
    }
    if (error.extra.retryAfterSeconds !== undefined) {
      reply.header('Retry-After', String(error.extra.retryAfterSeconds));
    }
    if (error.code === 'UNAUTHENTICATED') reply.header('WWW-Authenticate', 'Bearer');
    reply
      .status(ERROR_STATUS[error.code])
      .header('Content-Type', FHIR_JSON)
      .send(toOperationOutcome(error));
  }
}
