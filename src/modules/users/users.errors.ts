import { DomainError, ValidationError } from '../../common/errors/domain-error';

export class EmailTakenError extends DomainError {
  constructor() {
    super('EMAIL_TAKEN', 'A user with this email already exists.');
  }
}

export class UnknownTeamError extends ValidationError {
  constructor() {
    super([{ field: 'teamIds', message: 'each team must be an active team of your organization' }]);
  }
}
