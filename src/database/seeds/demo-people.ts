import { EntityManager } from 'typeorm';

import { hashPassword } from '../../auth/password';
import { DEMO_IDS, demoIdWhileFree } from './demo-ids';

export const DEMO_ORGANIZATION = 'Demo Recovery Community';

interface DemoUser {
  email: string;
  firstName: string;
  lastName: string;
  role: 'peer_specialist' | 'supervisor' | 'admin';
  team?: 'North' | 'South';
}

// Fictional people only (SPEC section 12); no real person's data is ever seeded.
export const DEMO_USERS: readonly DemoUser[] = [
  { email: 'admin@demo.test', firstName: 'Avery', lastName: 'Admin', role: 'admin' },
  {
    email: 'supervisor@demo.test',
    firstName: 'Sam',
    lastName: 'North',
    role: 'supervisor',
    team: 'North',
  },
  {
    email: 'supervisor2@demo.test',
    firstName: 'Sasha',
    lastName: 'South',
    role: 'supervisor',
    team: 'South',
  },
  {
    email: 'peer1@demo.test',
    firstName: 'Pat',
    lastName: 'One',
    role: 'peer_specialist',
    team: 'North',
  },
  {
    email: 'peer2@demo.test',
    firstName: 'Parker',
    lastName: 'Two',
    role: 'peer_specialist',
    team: 'North',
  },
  {
    email: 'peer3@demo.test',
    firstName: 'Peyton',
    lastName: 'Three',
    role: 'peer_specialist',
    team: 'South',
  },
];

export interface DemoPeople {
  organizationId: string;
  teams: Record<'North' | 'South', string>;
  users: Record<string, string>;
}

/** Organization, teams and staff. Idempotent: finds what exists, creates what is missing. */
export async function seedPeople(m: EntityManager, password: string): Promise<DemoPeople> {
  const [existing] = await m.query(
    `SELECT id FROM organization WHERE name = $1 ORDER BY created_at LIMIT 1`,
    [DEMO_ORGANIZATION],
  );
  const organizationId: string =
    existing?.id ??
    (
      await m.query(`INSERT INTO organization (name) VALUES ($1) RETURNING id`, [DEMO_ORGANIZATION])
    )[0].id;
  const teams = {} as DemoPeople['teams'];
  for (const name of ['North', 'South'] as const) {
    const [row] = await m.query(
      `INSERT INTO team (id, organization_id, name) VALUES (${demoIdWhileFree('team', '$3')}, $1, $2)
       ON CONFLICT (organization_id, lower(name)) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [organizationId, name, DEMO_IDS.teams[name]],
    );
    teams[name] = row.id;
  }
  const passwordHash = await hashPassword(password);
  const users: Record<string, string> = {};
  for (const u of DEMO_USERS) {
    const [row] = await m.query(
      `INSERT INTO app_user (id, organization_id, email, password_hash, first_name, last_name, role)
       VALUES ($7, $1, $2, $3, $4, $5, $6)
       ON CONFLICT (lower(email)) DO UPDATE SET password_hash = EXCLUDED.password_hash, active = true
       RETURNING id`,
      [
        organizationId,
        u.email,
        passwordHash,
        u.firstName,
        u.lastName,
        u.role,
        DEMO_IDS.users[u.email],
      ],
    );
    users[u.email] = row.id;
    if (u.team) {
      await m.query(
        `INSERT INTO team_member (team_id, user_id, membership) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [teams[u.team], row.id, u.role === 'supervisor' ? 'supervisor' : 'member'],
      );
    }
  }
  return { organizationId, teams, users };
}

/** Later features add their demo records as one of these, each idempotent and fictional. */
export type DemoSeeder = (m: EntityManager, people: DemoPeople) => Promise<void>;
