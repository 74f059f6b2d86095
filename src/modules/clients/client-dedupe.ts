import { EntityManager } from 'typeorm';

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

const BY_IDENTIFIER = `SELECT client_id AS id FROM client_identifier
  WHERE organization_id = $1 AND (system, value) IN (SELECT * FROM unnest($2::text[], $3::text[]))
    AND ($4::uuid IS NULL OR client_id <> $4)
  LIMIT 1`;

const BY_DEMOGRAPHICS = `SELECT id FROM client
  WHERE organization_id = $1 AND lower(first_name) = lower($2) AND lower(last_name) = lower($3)
    AND date_of_birth = $4 AND deleted_at IS NULL
  ORDER BY created_at LIMIT 1`;

/** The existing client holding one of these identifiers, if any. */
export async function findByIdentifiers(
  m: EntityManager,
  c: Pick<DedupeCandidate, 'organizationId' | 'identifiers'>,
  excludeClientId: string | null = null,
): Promise<string | undefined> {
  if (c.identifiers.length === 0) return undefined;
  const rows = await m.query(BY_IDENTIFIER, [
    c.organizationId,
    c.identifiers.map((i) => i.system),
    c.identifiers.map((i) => i.value),
    excludeClientId,
  ]);
  return rows[0]?.id;
}

/**
 * Refuses a client that matches an existing one. An identifier names one person, so a match on
 * it is always refused; a name and date-of-birth match may be overridden (`allowNameMatch`),
 * since two people can share both. Serializes concurrent creates of the same person first.
 */
export async function assertNoDuplicate(
  m: EntityManager,
  c: DedupeCandidate,
  allowNameMatch: boolean,
): Promise<void> {
  const key = `client-dedupe:${c.organizationId}:${c.firstName.toLowerCase()}:${c.lastName.toLowerCase()}:${c.dateOfBirth}`;
  await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [key]);
  const byIdentifier = await findByIdentifiers(m, c);
  if (byIdentifier) throw new ClientMatchFound(byIdentifier);
  if (allowNameMatch) return;
  const [byName] = await m.query(BY_DEMOGRAPHICS, [
    c.organizationId,
    c.firstName,
    c.lastName,
    c.dateOfBirth,
  ]);
  if (byName) throw new ClientMatchFound(byName.id);
}
