import {
  DomainError,
  FieldError,
  ForbiddenError,
  NotFoundError,
} from '../../common/errors/domain-error';

export class SessionNoteNotFoundError extends NotFoundError {
  constructor() {
    super('Session note');
  }
}

export class NoteAlreadySignedError extends DomainError {
  constructor() {
    super('NOTE_ALREADY_SIGNED', 'The note is signed and locked; add an addendum instead.');
  }
}

export class NoteNotSignedError extends DomainError {
  constructor() {
    super('NOTE_NOT_SIGNED', 'Only a signed note takes addenda; edit the draft instead.');
  }
}

export class NoteNotReviewableError extends DomainError {
  constructor() {
    super('INVALID_TRANSITION', 'Only a signed note awaiting review can be reviewed.');
  }
}

export class NoteIncompleteError extends DomainError {
  constructor(errors: FieldError[]) {
    super('NOTE_INCOMPLETE', 'Every required section must be filled in before signing.', {
      errors,
    });
  }
}

export class CredentialExpiredError extends DomainError {
  constructor() {
    super('CREDENTIAL_EXPIRED', 'Signing requires an unexpired peer credential on file.');
  }
}

export class NotNoteAuthorError extends ForbiddenError {
  constructor() {
    super('Only the author may change or sign this note.');
  }
}

export class NotAuthorSupervisorError extends ForbiddenError {
  constructor() {
    super('Only a supervisor of the author’s team may do this.');
  }
}
