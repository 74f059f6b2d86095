import { randomUUID } from 'node:crypto';

import { DataSource } from 'typeorm';

export interface TestClientOptions {
  organizationId: string;
  specialistId?: string | null;
  firstName?: string;
  lastName?: string;
  dateOfBirth?: string;
  status?: 'referred' | 'active' | 'inactive' | 'closed';
  lastContactAt?: Date | null;
  needsReassignment?: boolean;
  identifiers?: { system: string; value: string }[];
}

/** A persisted client (fictional, unique name) with its open assignment row when assigned. */
export async function createClient(ds: DataSource, o: TestClientOptions): Promise<string> {
  const [row] = await ds.query(
    `INSERT INTO client (organization_id, first_name, last_name, date_of_birth, status, primary_specialist_id,
       last_contact_at, needs_reassignment)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      o.organizationId,
      o.firstName ?? 'Testy',
      o.lastName ?? `Client-${randomUUID().slice(0, 8)}`,
      o.dateOfBirth ?? '1990-01-01',
      o.status ?? 'active',
      o.specialistId ?? null,
      o.lastContactAt ?? null,
      o.needsReassignment ?? false,
    ],
  );
  if (o.specialistId) {
    await ds.query(`INSERT INTO client_assignment (client_id, specialist_id) VALUES ($1, $2)`, [
      row.id,
      o.specialistId,
    ]);
  }
  for (const i of o.identifiers ?? []) {
    await ds.query(
      `INSERT INTO client_identifier (client_id, organization_id, system, value) VALUES ($1, $2, $3, $4)`,
      [row.id, o.organizationId, i.system, i.value],
    );
  }
  return row.id;
}

export async function createCoverage(
  ds: DataSource,
  o: { clientId: string; specialistId: string; startsAt?: Date; endsAt: Date; revoked?: boolean },
): Promise<void> {
  await ds.query(
    `INSERT INTO client_coverage (client_id, specialist_id, starts_at, ends_at, revoked_at) VALUES ($1, $2, $3, $4, $5)`,
    [
      o.clientId,
      o.specialistId,
      o.startsAt ?? new Date(Date.now() - 60_000),
      o.endsAt,
      o.revoked ? new Date() : null,
    ],
  );
}

export async function createCertification(
  ds: DataSource,
  o: {
    organizationId: string;
    userId: string;
    expiresOn: string;
    issuedOn?: string;
    credential?: string;
  },
): Promise<string> {
  const [row] = await ds.query(
    `INSERT INTO specialist_certification (organization_id, user_id, credential, number, issuing_state, issued_on, expires_on)
     VALUES ($1, $2, $3, $4, 'PA', $5, $6) RETURNING id`,
    [
      o.organizationId,
      o.userId,
      o.credential ?? 'CPRS',
      `N-${randomUUID().slice(0, 6)}`,
      o.issuedOn ?? '2020-01-01',
      o.expiresOn,
    ],
  );
  return row.id;
}

/** An open follow-up (no discharge) for a client, owned by `ownerId`. */
export async function createFollowUp(
  ds: DataSource,
  o: {
    organizationId: string;
    clientId: string;
    ownerId: string | null;
    dueAt: Date;
    status?: string;
  },
): Promise<string> {
  const [row] = await ds.query(
    `INSERT INTO follow_up (organization_id, client_id, kind, label, status, due_at, window_start, window_end, owner_id)
     VALUES ($1, $2, 'contact', $3, $4, $5, $5, $5, $6) RETURNING id`,
    [
      o.organizationId,
      o.clientId,
      `test-${randomUUID().slice(0, 8)}`,
      o.status ?? 'requested',
      o.dueAt,
      o.ownerId,
    ],
  );
  return row.id;
}
