import { DomainError, ForbiddenError } from '../../common/errors/domain-error';

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

export class SupervisorOnlyFieldError extends ForbiddenError {
  constructor() {
    super('Only a supervisor may set primarySpecialistId, allowDuplicate or overrideCaseloadCap.');
  }
}
