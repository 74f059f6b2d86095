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

/** SPEC 2: an admin manages teams but is on none (neither member nor supervisor). */
export class AdminTeamError extends ValidationError {
  constructor() {
    super([{ field: 'teamIds', message: 'an admin cannot be a team member' }]);
  }
}

export class PeerWithoutTeamError extends ValidationError {
  constructor() {
    super([
      { field: 'teamIds', message: 'a peer specialist must be a member of at least one team' },
    ]);
  }
}
