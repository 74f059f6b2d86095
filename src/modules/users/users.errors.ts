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

/** A role change rewrites the user's teams, so the new ones must be stated with it. */
export class TeamsRequiredError extends ValidationError {
  constructor() {
    super([{ field: 'teamIds', message: 'teamIds is required when the role changes' }]);
  }
}

export class PeerWithoutTeamError extends ValidationError {
  constructor() {
    super([
      { field: 'teamIds', message: 'a peer specialist must be a member of at least one team' },
    ]);
  }
}
