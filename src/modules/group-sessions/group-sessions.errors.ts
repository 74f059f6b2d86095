import { DomainError, ForbiddenError, NotFoundError } from '../../common/errors/domain-error';

export class GroupSessionNotFoundError extends NotFoundError {
  constructor() {
    super('Group session');
  }
}

export class GroupSessionAlreadySignedError extends DomainError {
  constructor() {
    super('GROUP_SESSION_ALREADY_SIGNED', 'The group session is signed and locked.');
  }
}

export class NotGroupFacilitatorError extends ForbiddenError {
  constructor() {
    super('Only the facilitator or the person who recorded it may change or sign this group.');
  }
}
