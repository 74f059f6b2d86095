/** A client row as the API shows it; dates already `YYYY-MM-DD`, instants as Date. */
export interface ClientRow {
  id: string;
  version: number;
  status: string;
  firstName: string;
  lastName: string;
  preferredName: string | null;
  dateOfBirth: string;
  pronouns: string | null;
  email: string | null;
  phone: string | null;
  preferredContactMethod: string | null;
  identifiers: { system: string; value: string }[];
  recoveryStartDate: string | null;
  primarySpecialistId: string | null;
  needsReassignment: boolean;
  part2NoticeAcknowledgedOn: string | null;
  lastContactAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** created_at to the microsecond, for keyset cursors (a JS Date would drop microseconds). */
  createdAtKey: string;
}

/** The columns of a client (alias `c`) as the response needs them. */
export const CLIENT_COLUMNS = [
  'c.id AS id',
  'c.version AS version',
  'c.status AS status',
  'c.first_name AS "firstName"',
  'c.last_name AS "lastName"',
  'c.preferred_name AS "preferredName"',
  'c.date_of_birth::text AS "dateOfBirth"',
  'c.pronouns AS pronouns',
  'c.email AS email',
  'c.phone AS phone',
  'c.preferred_contact_method AS "preferredContactMethod"',
  `coalesce((SELECT json_agg(json_build_object('system', i.system, 'value', i.value) ORDER BY i.system, i.value)
     FROM client_identifier i WHERE i.client_id = c.id), '[]'::json) AS identifiers`,
  'c.recovery_start_date::text AS "recoveryStartDate"',
  'c.primary_specialist_id AS "primarySpecialistId"',
  'c.needs_reassignment AS "needsReassignment"',
  'c.part2_notice_acknowledged_on::text AS "part2NoticeAcknowledgedOn"',
  'c.last_contact_at AS "lastContactAt"',
  'c.created_at AS "createdAt"',
  'c.updated_at AS "updatedAt"',
  `to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAtKey"`,
];

export function uniqueIdentifiers(
  identifiers: { system: string; value: string }[],
): { system: string; value: string }[] {
  const seen = new Map(
    identifiers.map((i) => [`${i.system}\u0000${i.value}`, { system: i.system, value: i.value }]),
  );
  return [...seen.values()];
}
