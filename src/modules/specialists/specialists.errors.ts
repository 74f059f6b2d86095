import { DomainError } from '../../common/errors/domain-error';

export class CaseloadCapExceededError extends DomainError {
  constructor() {
    super(
      'CASELOAD_CAP_EXCEEDED',
      'The specialist’s caseload is at its cap; a supervisor’s override is required.',
    );
  }
}

export class SpecialistNotAssignableError extends DomainError {
  constructor() {
    super(
      'SPECIALIST_NOT_ASSIGNABLE',
      'The specialist must be an active peer specialist on a team you supervise.',
    );
  }
}
