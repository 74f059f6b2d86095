import { EntityManager } from 'typeorm';

import { DEMO_IDS, demoIdWhileFree } from './demo-ids';
import type { DemoPeople } from './demo-people';

const DEMO_SYSTEM = 'urn:recovery-bridge:demo-client';

// Invented people (SPEC section 12): names chosen to read as obviously fictional.
const CASELOADS: Record<
  string,
  {
    key: string;
    id?: string;
    firstName: string;
    lastName: string;
    dateOfBirth: string;
    days: number | null;
  }[]
> = {
  'peer1@demo.test': [
    {
      key: 'P1-01',
      id: DEMO_IDS.client,
      firstName: 'Juniper',
      lastName: 'Demoworth',
      dateOfBirth: '1989-04-02',
      days: 1,
    },
    { key: 'P1-02', firstName: 'Rowan', lastName: 'Sampleton', dateOfBirth: '1994-11-17', days: 9 },
    {
      key: 'P1-03',
      firstName: 'Marlo',
      lastName: 'Fictionby',
      dateOfBirth: '1979-07-23',
      days: 21,
    },
    {
      key: 'P1-04',
      firstName: 'Indigo',
      lastName: 'Placeholder',
      dateOfBirth: '2000-01-30',
      days: null,
    },
  ],
  'peer2@demo.test': [
    {
      key: 'P2-01',
      firstName: 'Sage',
      lastName: 'Exampleford',
      dateOfBirth: '1985-09-12',
      days: 3,
    },
    {
      key: 'P2-02',
      firstName: 'Quill',
      lastName: 'Mockridge',
      dateOfBirth: '1991-02-28',
      days: 16,
    },
    { key: 'P2-03', firstName: 'Wren', lastName: 'Testcastle', dateOfBirth: '1998-06-05', days: 2 },
  ],
  'peer3@demo.test': [
    { key: 'P3-01', firstName: 'Ash', lastName: 'Stubbington', dateOfBirth: '1983-12-01', days: 5 },
    { key: 'P3-02', firstName: 'Bay', lastName: 'Dummerset', dateOfBirth: '1996-03-19', days: 30 },
    { key: 'P3-03', firstName: 'Cove', lastName: 'Fakenham', dateOfBirth: '1975-08-08', days: 1 },
  ],
};

async function seedCredential(
  m: EntityManager,
  organizationId: string,
  userId: string,
  key: string,
): Promise<void> {
  const fixedId = userId === DEMO_IDS.users['peer1@demo.test'] ? DEMO_IDS.certification : null;
  await m.query(
    `INSERT INTO specialist_certification (id, organization_id, user_id, credential, number, issuing_state, issued_on, expires_on)
     SELECT ${demoIdWhileFree('specialist_certification', '$4')},
       $1, $2, 'CPRS', $3, 'PA', current_date - 365, current_date + 365
     WHERE NOT EXISTS (SELECT 1 FROM specialist_certification WHERE user_id = $2 AND expires_on >= current_date)`,
    [organizationId, userId, `DEMO-CPRS-${key}`, fixedId],
  );
}

async function seedClient(
  m: EntityManager,
  organizationId: string,
  specialistId: string,
  c: (typeof CASELOADS)[string][number],
): Promise<void> {
  const [existing] = await m.query(
    `SELECT 1 FROM client_identifier WHERE organization_id = $1 AND system = $2 AND value = $3`,
    [organizationId, DEMO_SYSTEM, c.key],
  );
  if (existing) return;
  const [row] = await m.query(
    `INSERT INTO client (id, organization_id, first_name, last_name, date_of_birth, preferred_contact_method, status,
       primary_specialist_id, recovery_start_date, part2_notice_acknowledged_on, last_contact_at)
     VALUES (${demoIdWhileFree('client', '$7')}, $1, $2, $3, $4, 'text', 'active', $5,
       current_date - 120, current_date - 60,
       CASE WHEN $6::int IS NULL THEN NULL ELSE now() - make_interval(days => $6::int) END)
     RETURNING id`,
    [organizationId, c.firstName, c.lastName, c.dateOfBirth, specialistId, c.days, c.id ?? null],
  );
  await m.query(
    `INSERT INTO client_identifier (client_id, organization_id, system, value) VALUES ($1, $2, $3, $4)`,
    [row.id, organizationId, DEMO_SYSTEM, c.key],
  );
  await m.query(
    `INSERT INTO client_assignment (client_id, specialist_id, reason) VALUES ($1, $2, 'demo seed')`,
    [row.id, specialistId],
  );
}

// peer2 covers peer1's first client during peer1's leave next week, as their supervisor set up.
async function seedCoverage(m: EntityManager, people: DemoPeople): Promise<void> {
  const coveringId = people.users['peer2@demo.test'];
  if (!coveringId) return;
  await m.query(
    `INSERT INTO client_coverage (id, client_id, specialist_id, created_by_id, starts_at, ends_at)
     SELECT $1, c.id, $3, $4, current_date + 7, current_date + 14
     FROM client c WHERE c.id = $2 AND c.organization_id = $5
     ON CONFLICT (id) DO NOTHING`,
    [
      DEMO_IDS.coverage,
      DEMO_IDS.client,
      coveringId,
      people.users['supervisor@demo.test'] ?? null,
      people.organizationId,
    ],
  );
}

/**
 * Each demo peer: an unexpired CPRS credential and a few fictional clients; one planned coverage.
 * Idempotent.
 */
export async function seedCaseloads(m: EntityManager, people: DemoPeople): Promise<void> {
  for (const [email, clients] of Object.entries(CASELOADS)) {
    const specialistId = people.users[email];
    if (!specialistId) continue;
    await seedCredential(m, people.organizationId, specialistId, email.split('@')[0]);
    for (const c of clients) await seedClient(m, people.organizationId, specialistId, c);
  }
  await seedCoverage(m, people);
}
