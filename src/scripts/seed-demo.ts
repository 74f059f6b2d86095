import '../config/node-guard';

import { DataSource, EntityManager } from 'typeorm';

import { hashPassword } from '../auth/password';
import { Config, loadConfig } from '../config/configuration';
import { createDataSource } from '../database/data-source';
import { seedCaseloads } from '../modules/clients/clients.seed';
import { seedDischarges } from '../modules/discharges/discharges.seed';
import { seedRecoveryPlans } from '../modules/recovery-plans/recovery-plans.seed';
import { seedSessionNotes } from '../modules/session-notes/session-notes.seed';

export const DEMO_ORGANIZATION = 'Demo Recovery Community';

interface DemoUser {
  email: string;
  firstName: string;
  lastName: string;
  role: 'peer_specialist' | 'supervisor' | 'admin';
  team?: 'North' | 'South';
}

// Fictional people only (SPEC section 12); no real person's data is ever seeded.
const DEMO_USERS: DemoUser[] = [
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
async function seedPeople(m: EntityManager, password: string): Promise<DemoPeople> {
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
      `INSERT INTO team (organization_id, name) VALUES ($1, $2)
       ON CONFLICT (organization_id, lower(name)) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [organizationId, name],
    );
    teams[name] = row.id;
  }
  const passwordHash = await hashPassword(password);
  const users: Record<string, string> = {};
  for (const u of DEMO_USERS) {
    const [row] = await m.query(
      `INSERT INTO app_user (organization_id, email, password_hash, first_name, last_name, role)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (lower(email)) DO UPDATE SET password_hash = EXCLUDED.password_hash, active = true
       RETURNING id`,
      [organizationId, u.email, passwordHash, u.firstName, u.lastName, u.role],
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

/** Later features add their demo records here, each idempotent and fictional. */
export type DemoSeeder = (m: EntityManager, people: DemoPeople) => Promise<void>;
// Plans and assessments build on the demo clients: keep seedRecoveryPlans after the clients' seeder.
const SEEDERS: DemoSeeder[] = [seedCaseloads, seedRecoveryPlans, seedSessionNotes, seedDischarges];

export async function seedDemo(dataSource: DataSource, password: string): Promise<DemoPeople> {
  return dataSource.transaction(async (m) => {
    const people = await seedPeople(m, password);
    for (const seed of SEEDERS) await seed(m, people);
    return people;
  });
}

/**
 * What `npm run seed:demo` and `npm start` run: the seed through the owner's own data source
 * (like the migrations; it loads no entities, so seeders write plain SQL). Refused in production.
 */
export async function seedDemoDatabase(config: Config = loadConfig()): Promise<DemoPeople> {
  if (config.app.env === 'production') {
    throw new Error('seed:demo is refused when NODE_ENV=production');
  }
  const dataSource = createDataSource(config.db);
  await dataSource.initialize();
  try {
    return await seedDemo(dataSource, config.app.demoPassword);
  } finally {
    await dataSource.destroy();
  }
}

export type DemoSeedDecision = { seed: true; reason: string } | { seed: false; reason: string };

/**
 * Whether `start.js` seeds the demo data (security review, issue 11: the demo's admin has a
 * published password, so seeding is never implicit). Production never seeds. `DEMO_DATA=true`
 * seeds, `DEMO_DATA=false` never does. Unset, only an explicit request does (`npm start` passes
 * `--demo`: the README's two commands give a working demo on a fresh machine), and only into a
 * database holding no organization but the demo one, so pointing `npm start` at a database with
 * real data never adds logins with a published password to it.
 */
export async function demoSeedDecision(
  config: Config,
  requested: boolean,
): Promise<DemoSeedDecision> {
  if (config.app.env === 'production') {
    return { seed: false, reason: 'demo data is never seeded when NODE_ENV=production' };
  }
  if (config.app.demoData === false) return { seed: false, reason: 'DEMO_DATA=false' };
  if (config.app.demoData === true) return { seed: true, reason: 'DEMO_DATA=true' };
  if (!requested) {
    return {
      seed: false,
      reason: 'demo data is seeded only by `npm start` (start.js --demo) or with DEMO_DATA=true',
    };
  }
  const dataSource = createDataSource(config.db);
  await dataSource.initialize();
  try {
    const [{ n }]: { n: number }[] = await dataSource.query(
      `SELECT count(*)::int AS n FROM organization WHERE name <> $1`,
      [DEMO_ORGANIZATION],
    );
    if (n > 0) {
      return {
        seed: false,
        reason: `the database holds ${n} other organization(s); set DEMO_DATA=true to seed the demo into it anyway`,
      };
    }
  } finally {
    await dataSource.destroy();
  }
  return { seed: true, reason: 'npm start on a database without other organizations' };
}

async function main(): Promise<void> {
  await seedDemoDatabase();
  console.log(`demo data ready: ${DEMO_USERS.map((u) => u.email).join(', ')}`);
}

if (require.main === module) {
  main().catch((err: Error) => {
    console.error(err.message);
    process.exit(1);
  });
}
