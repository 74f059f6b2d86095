import { DomainError } from '../../common/errors/domain-error';

/** 428: the client has a plan; a change names the version it was made from. */
export class PlanExistsIfMatchRequiredError extends DomainError {
  constructor() {
    super(
      'PRECONDITION_REQUIRED',
      'This client already has a relapse-prevention plan: read it and send its ETag in If-Match.',
    );
  }
}
