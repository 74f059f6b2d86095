import { DataSource } from 'typeorm';

import { Config, loadConfig } from '../../config/configuration';
import { createDataSource } from '../data-source';
import { seedCaseloads } from './clients.seed';
import { DEMO_ORGANIZATION, DemoPeople, DemoSeeder, seedPeople } from './demo-people';
import { seedDischarges } from './discharges.seed';
import { seedGroupSessions } from './group-sessions.seed';
import { seedIntegrations } from './integrations.seed';
import { seedRecoveryPlans } from './recovery-plans.seed';
import { seedResources } from './resources.seed';
import { seedRelapsePreventionPlans } from './relapse-prevention.seed';
import { seedSessionNotes } from './session-notes.seed';

// Every feature's demo records, in order, each idempotent and fictional. Plans and assessments
// build on the demo clients: keep seedRecoveryPlans after the clients' seeder; the integration's
// webhook delivery tells of the demo discharge. The records the API documentation's examples
// name have fixed ids (demo-ids.ts).
const SEEDERS: DemoSeeder[] = [
  seedCaseloads,
  seedRecoveryPlans,
  seedSessionNotes,
  seedGroupSessions,
  seedDischarges,
  seedResources,
  seedRelapsePreventionPlans,
  seedIntegrations,
];

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
