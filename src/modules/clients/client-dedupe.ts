/**
 * The candidate matches an existing client. Thrown inside the write's transaction (which it rolls
 * back) and answered outside it by DuplicateProbeService: never sent as is.
 */
export class ClientMatchFound extends Error {
  constructor(readonly existingClientId: string | undefined) {
    super('client matches an existing one');
    this.name = 'ClientMatchFound';
  }
}

export interface DedupeCandidate {
  organizationId: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  identifiers: { system: string; value: string }[];
}

/** The advisory-lock key that serializes concurrent creates of the same person. */
export const dedupeKey = (c: DedupeCandidate): string =>
  `client-dedupe:${c.organizationId}:${c.firstName.toLowerCase()}:${c.lastName.toLowerCase()}:${c.dateOfBirth}`;
