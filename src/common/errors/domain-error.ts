import { ErrorCode } from './error-codes';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * A rule of the domain was broken. The message is shown to callers: it must never carry PHI,
 * SQL or secrets. Services throw these; the global filter maps `code` to a status.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: {
      errors?: FieldError[];
      retryAfterSeconds?: number;
      /** Extra safe members of the problem body (ids only). */
      members?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  // One message for "does not exist" and "outside your scope", so neither is revealed.
  constructor(resource = 'Resource') {
    super('NOT_FOUND', `${resource} not found.`);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Your role may not perform this action.') {
    super('FORBIDDEN', message);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'A valid access token is required.') {
    super('UNAUTHENTICATED', message);
  }
}

export class ValidationError extends DomainError {
  constructor(errors: FieldError[], message = 'The request is invalid.') {
    super('VALIDATION_FAILED', message, { errors });
  }
}

export class ServiceUnavailableError extends DomainError {
  constructor(message = 'A dependency is unavailable; try again shortly.', retryAfterSeconds = 5) {
    super('SERVICE_UNAVAILABLE', message, { retryAfterSeconds });
  }
}
