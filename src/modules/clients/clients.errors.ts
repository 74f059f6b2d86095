import { DomainError, ForbiddenError } from '../../common/errors/domain-error';

/** The match is a client the caller may read: its id helps them open it instead. */
export class DuplicateClientError extends DomainError {
  constructor(existingClientId: string) {
    super(
      'DUPLICATE_CLIENT',
      'A client with the same identifier, or the same name and date of birth, already exists.',
      {
        members: { existingClientId },
      },
    );
  }
}

/**
 * The match is outside the caller's scope. That someone is a client is itself Part 2 protected,
 * so the answer names no id and no name: it only says where to go.
 */
export class DuplicateClientOutOfScopeError extends DomainError {
  constructor() {
    super(
      'DUPLICATE_CLIENT',
      'A matching client already exists outside your scope; a supervisor can assign it to you.',
    );
  }
}

/** Too many duplicate matches in the window: creating clients pauses for this user. */
export class DuplicateProbeLimitError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super('RATE_LIMITED', 'Too many duplicate-client matches; try again later.', {
      retryAfterSeconds: Math.max(1, retryAfterSeconds),
    });
  }
}

export class SupervisorOnlyFieldError extends ForbiddenError {
  constructor() {
    super('Only a supervisor may set primarySpecialistId, allowDuplicate or overrideCaseloadCap.');
  }
}
