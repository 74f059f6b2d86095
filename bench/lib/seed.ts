import { Client } from 'pg';

import { SESSION_DAYS_FROM_NOTES } from '../../migrations/1764000014210-CreateClientSessionDays';
import { hashPassword } from '../../src/auth/password';
import { BENCH, BenchOptions } from './config';
import { seedState } from './seed-state';
import { seedOutcomes } from './seed-outcomes';

export const ORG_ID = 'b0000000-0000-4000-8000-000000000001';
export const SPECIALISTS = 100;
export const TEAMS = 10;
export const CLIENTS_PER_SPECIALIST = 50;
export const CLIENTS = SPECIALISTS * CLIENTS_PER_SPECIALIST;
export const GOALS = 20_000;

export interface BenchUser {
  id: string;
  email: string;
  role: 'peer_specialist' | 'supervisor' | 'admin';
  teamNo: number;
}

export interface Dataset {
  organizationId: string;
  specialists: BenchUser[];
  supervisors: BenchUser[];
  /** Client ids of each specialist (index-aligned with specialists). */
  clientsOf: string[][];
  notes: number;
  followUps: number;
}

export async function withDb<T>(
  fn: (db: Client) => Promise<T>,
  url: string = BENCH.databaseUrl,
): Promise<T> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

export async function tableExists(db: Client, table: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`public.${table}`]);
  return rows[0].ok as boolean;
}

export async function columnsOf(db: Client, table: string): Promise<Set<string>> {
  const { rows } = await db.query(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
    [table],
  );
  return new Set(rows.map((r: { column_name: string }) => r.column_name));
}

/** A seeding step's progress, kept in the seed database (`bench_meta`). */
export async function meta(db: Client, key: string): Promise<string | undefined> {
  await db.query(
    `CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)`,
  );
  const { rows } = await db.query(`SELECT value FROM bench_meta WHERE key = $1`, [key]);
  return rows[0]?.value;
}

export async function setMeta(db: Client, key: string, value: string): Promise<void> {
  await db.query(
    `INSERT INTO bench_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [key, value],
  );
}

const log = (msg: string): void => console.log(`  seed: ${msg}`);

/** Organization, teams, people, clients, follow-ups: fixed sizes, seeded once. */
async function seedCore(db: Client): Promise<void> {
  if ((await meta(db, 'core')) === 'v2') return;
  log('organization, 10 teams, 100 specialists, 10 supervisors, 5,000 clients, follow-ups');
  // Deterministic ids that are valid version-4 UUIDs (the API's id parameters are checked).
  await db.query(`CREATE OR REPLACE FUNCTION bench_uuid(t text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
    SELECT (substr(h, 1, 12) || '4' || substr(h, 14, 3) || '8' || substr(h, 18, 15))::uuid FROM md5(t) h $$`);
  const hash = await hashPassword(BENCH.password);
  await db.query('BEGIN');
  await db.query(
    `INSERT INTO organization (id, name) VALUES ($1, 'Bench Recovery Community') ON CONFLICT (id) DO NOTHING`,
    [ORG_ID],
  );
  await db.query(
    `INSERT INTO team (id, organization_id, name)
     SELECT bench_uuid('bench-team-' || t), $1::uuid, 'Bench team ' || t FROM generate_series(1, ${TEAMS}) t`,
    [ORG_ID],
  );
  // Specialist s (1..100) is on team ((s-1) % 10) + 1; supervisor t supervises team t.
  await db.query(
    `INSERT INTO app_user (id, organization_id, email, password_hash, first_name, last_name, role)
     SELECT bench_uuid('bench-specialist-' || s), $1::uuid, 'specialist' || s || '@bench.test', $2, 'Spec', 'Ialist' || s, 'peer_specialist'
     FROM generate_series(1, ${SPECIALISTS}) s
     UNION ALL
     SELECT bench_uuid('bench-supervisor-' || t), $1::uuid, 'supervisor' || t || '@bench.test', $2, 'Super', 'Visor' || t, 'supervisor'
     FROM generate_series(1, ${TEAMS}) t`,
    [ORG_ID, hash],
  );
  await db.query(
    `INSERT INTO team_member (team_id, user_id, membership)
     SELECT bench_uuid('bench-team-' || (((s - 1) % ${TEAMS}) + 1)), bench_uuid('bench-specialist-' || s), 'member'
     FROM generate_series(1, ${SPECIALISTS}) s
     UNION ALL
     SELECT bench_uuid('bench-team-' || t), bench_uuid('bench-supervisor-' || t), 'supervisor' FROM generate_series(1, ${TEAMS}) t`,
  );
  await db.query(
    `INSERT INTO specialist_certification (organization_id, user_id, credential, number, issuing_state, issued_on, expires_on)
     SELECT $1::uuid, bench_uuid('bench-specialist-' || s), 'CPRS', 'B-' || s, 'PA', current_date - 400, current_date + (s * 7)
     FROM generate_series(1, ${SPECIALISTS}) s`,
    [ORG_ID],
  );
  // Client c (1..5000) belongs to specialist ((c-1) / 50) + 1.
  await db.query(
    `INSERT INTO client (id, organization_id, first_name, last_name, date_of_birth, status, primary_specialist_id,
       last_contact_at, recovery_start_date, created_at)
     SELECT bench_uuid('bench-client-' || c), $1::uuid, 'First' || c, 'Last' || c, date '1970-01-01' + (c * 3),
       'active', bench_uuid('bench-specialist-' || (((c - 1) / ${CLIENTS_PER_SPECIALIST}) + 1)),
       now() - make_interval(hours => (c * 37) % 720), current_date - (c % 400), now() - make_interval(days => c % 365)
     FROM generate_series(1, ${CLIENTS}) c`,
    [ORG_ID],
  );
  await db.query(
    `INSERT INTO client_assignment (client_id, specialist_id, reason, started_at)
     SELECT id, primary_specialist_id, 'bench', created_at FROM client WHERE organization_id = $1`,
    [ORG_ID],
  );
  // Every other client was discharged recently: a cadence of 7 contacts, some done, some overdue.
  await db.query(
    `INSERT INTO discharge (id, organization_id, client_id, facility, level_of_care, admitted_at, discharged_at, planned)
     SELECT bench_uuid('bench-discharge-' || c), $1::uuid, bench_uuid('bench-client-' || c), 'Bench Detox', 'withdrawal_management',
       now() - make_interval(days => 10 + c % 40), now() - make_interval(days => c % 40), true
     FROM generate_series(1, ${CLIENTS}, 2) c`,
    [ORG_ID],
  );
  await db.query(
    `INSERT INTO follow_up (organization_id, client_id, discharge_id, kind, label, status, due_at, window_start, window_end, owner_id, completed_at)
     SELECT $1::uuid, d.client_id, d.id, CASE WHEN k.day = 30 THEN 'assessment' ELSE 'contact' END, 'day-' || k.day,
       CASE WHEN d.discharged_at + make_interval(days => k.day) < now() - interval '3 days' AND k.day % 2 = 0
            THEN 'completed' ELSE 'requested' END,
       d.discharged_at + make_interval(days => k.day), d.discharged_at + make_interval(days => k.day - 1),
       d.discharged_at + make_interval(days => k.day + 2), c.primary_specialist_id,
       CASE WHEN d.discharged_at + make_interval(days => k.day) < now() - interval '3 days' AND k.day % 2 = 0
            THEN d.discharged_at + make_interval(days => k.day) END
     FROM discharge d JOIN client c ON c.id = d.client_id
     CROSS JOIN (VALUES (1), (2), (7), (14), (30), (60), (90)) k(day)
     WHERE d.organization_id = $1`,
    [ORG_ID],
  );
  await setMeta(db, 'core', 'v2');
  await db.query('COMMIT');
}

/**
 * Session notes of about 1 KB, spread over clients and the last year. The table belongs to the
 * session-notes module; its columns are read from the catalog so that optional ones may differ.
 */
async function seedNotes(db: Client, count: number): Promise<number> {
  if (!(await tableExists(db, 'session_note'))) {
    log('session_note table missing: notes not seeded');
    return 0;
  }
  const done = Number((await meta(db, 'notes')) ?? 0);
  if (done >= count) return done;
  const cols = await columnsOf(db, 'session_note');
  log(`session notes ${done.toLocaleString()} -> ${count.toLocaleString()} (about 1 KB each)`);
  const batch = 100_000;
  await withoutNoteTriggers(db, [ORG_ID], async () => {
    for (let from = done + 1; from <= count; from += batch) {
      const to = Math.min(count, from + batch - 1);
      await insertNotes(db, cols, from, to);
      await setMeta(db, 'notes', String(to));
      log(`  ${to.toLocaleString()} notes`);
    }
  });
  return count;
}

/**
 * Notes written in bulk without their per-row triggers (`session_replication_role = replica`,
 * which the seed's superuser may set and the service's role may not), then the organizations'
 * `client_session_days` rebuilt from their notes at once, as its migration builds it. The trigger
 * made seeding a million notes take half an hour.
 */
export async function withoutNoteTriggers(
  db: Client,
  organizationIds: string[],
  write: () => Promise<void>,
): Promise<void> {
  await db.query(`SET session_replication_role = replica`);
  try {
    await write();
  } finally {
    await db.query(`RESET session_replication_role`);
  }
  await db.query('BEGIN');
  await db.query(
    `DELETE FROM client_session_days t USING client c
     WHERE c.id = t.client_id AND c.organization_id = ANY ($1::uuid[])`,
    [organizationIds],
  );
  await db.query(SESSION_DAYS_FROM_NOTES(`n.organization_id = ANY ($1::uuid[])`), [
    organizationIds,
  ]);
  await db.query('COMMIT');
}

/** Who note `n` belongs to, as SQL expressions over `n`. */
export interface NoteOwner {
  organization: string;
  client: string;
  author: string;
}

const BENCH_NOTE_OWNER: NoteOwner = {
  organization: `'${ORG_ID}'::uuid`,
  client: `bench_uuid('bench-client-' || (((n - 1) % ${CLIENTS}) + 1))`,
  author: `bench_uuid('bench-specialist-' || ((((n - 1) % ${CLIENTS}) / ${CLIENTS_PER_SPECIALIST}) + 1))`,
};

/** One INSERT ... SELECT over generate_series, with whatever columns the table has. */
export async function insertNotes(
  db: Client,
  cols: Set<string>,
  from: number,
  to: number,
  owner: NoteOwner = BENCH_NOTE_OWNER,
): Promise<void> {
  const text = `repeat('Client reported steady progress with housing and attended two mutual-support meetings. ', 11)`;
  const { client, author } = owner;
  const started = `now() - make_interval(mins => (n * 53) % 525600)`;
  const candidates: Record<string, string> = {
    organization_id: owner.organization,
    client_id: client,
    author_id: author,
    started_at: started,
    ended_at: `${started} + interval '45 minutes'`,
    duration_minutes: '45',
    billing_units: '3',
    units: '3',
    contact_type: `'in_person'`,
    setting: `'community'`,
    format: `'narrative'`,
    sections: `jsonb_build_object('narrative', ${text})`,
    goal_ids: `'{}'::uuid[]`,
    interventions: `'{}'::text[]`,
    risk_flags: `'{}'::text[]`,
    // 5 % drafts, 10 % signed and awaiting review, 85 % reviewed: a review queue that is worked.
    status: `CASE WHEN n % 20 = 0 THEN 'draft' WHEN n % 20 IN (1, 2) THEN 'signed' ELSE 'reviewed' END`,
    signed_at: `CASE WHEN n % 20 = 0 THEN NULL ELSE ${started} + interval '2 hours' END`,
    signed_by_id: `CASE WHEN n % 20 = 0 THEN NULL ELSE ${author} END`,
    content_hash: `CASE WHEN n % 20 = 0 THEN NULL ELSE encode(sha256(convert_to(n::text, 'UTF8')), 'hex') END`,
    reviewed_at: `CASE WHEN n % 20 > 2 THEN ${started} + interval '1 day' END`,
    review_decision: `CASE WHEN n % 20 > 2 THEN 'approved' END`,
    late_entry: 'false',
    created_at: started,
    updated_at: started,
  };
  const use = Object.keys(candidates).filter((c) => cols.has(c));
  await db.query(
    `INSERT INTO session_note (${use.join(', ')}) SELECT ${use.map((c) => candidates[c]).join(', ')}
     FROM generate_series(${from}, ${to}) n`,
  );
}

/** One active plan per client with four goals each (20,000), when the plans module exists. */
async function seedGoals(db: Client): Promise<number> {
  if (!(await tableExists(db, 'goal')) || !(await tableExists(db, 'recovery_plan'))) {
    log('goal table missing: goals not seeded');
    return 0;
  }
  if ((await meta(db, 'goals')) === String(GOALS)) return GOALS;
  log('5,000 active recovery plans, 20,000 goals');
  await db.query('BEGIN');
  await db.query(
    `INSERT INTO recovery_plan (id, organization_id, client_id, title, status, start_date, review_due_at)
     SELECT bench_uuid('bench-plan-' || c), $1::uuid, bench_uuid('bench-client-' || c), 'Recovery plan', 'active',
       current_date - (c % 200), current_date - (c % 200) + 90
     FROM generate_series(1, ${CLIENTS}) c ON CONFLICT DO NOTHING`,
    [ORG_ID],
  );
  await db.query(
    `INSERT INTO goal (organization_id, client_id, plan_id, description, domain, target_date, lifecycle_status, achievement_status)
     SELECT $1::uuid, bench_uuid('bench-client-' || (((g - 1) % ${CLIENTS}) + 1)), bench_uuid('bench-plan-' || (((g - 1) % ${CLIENTS}) + 1)),
       'Goal ' || g, (ARRAY['health', 'home', 'purpose', 'community'])[(g % 4) + 1], current_date + (g % 180), 'active', 'in-progress'
     FROM generate_series(1, ${GOALS}) g`,
    [ORG_ID],
  );
  await setMeta(db, 'goals', String(GOALS));
  await db.query('COMMIT');
  return GOALS;
}

/** Seeds the seed database (once for each size) and describes it. */
export async function seedDataset(opts: BenchOptions): Promise<Dataset> {
  return withDb(async (db) => {
    await seedCore(db);
    const seededNotes = await seedNotes(db, opts.notes);
    await seedGoals(db);
    // The outcome reports' organization is not one of the state's 50 (S9 is not run there).
    if (opts.size === 'state') await seedState(db);
    else await seedOutcomes(db);
    // A database in steady state has been vacuumed and analyzed (visibility map, statistics).
    if ((await meta(db, 'vacuumed')) !== String(seededNotes)) {
      log('VACUUM ANALYZE');
      await db.query('VACUUM ANALYZE');
      await setMeta(db, 'vacuumed', String(seededNotes));
    }
    const { rows: users } = await db.query(
      `SELECT u.id, u.email, u.role, t.name AS team FROM app_user u
       JOIN team_member tm ON tm.user_id = u.id JOIN team t ON t.id = tm.team_id
       WHERE u.organization_id = $1 ORDER BY u.email`,
      [ORG_ID],
    );
    const toUser = (r: {
      id: string;
      email: string;
      role: BenchUser['role'];
      team: string;
    }): BenchUser => ({
      id: r.id,
      email: r.email,
      role: r.role,
      teamNo: Number(r.team.split(' ').pop()),
    });
    const num = (email: string): number => Number(/\d+/.exec(email)?.[0]);
    const specialists = users
      .filter((u) => u.role === 'peer_specialist')
      .map(toUser)
      .sort((a, b) => num(a.email) - num(b.email));
    const supervisors = users
      .filter((u) => u.role === 'supervisor')
      .map(toUser)
      .sort((a, b) => num(a.email) - num(b.email));
    const { rows: clients } = await db.query(
      `SELECT id, primary_specialist_id FROM client WHERE organization_id = $1 ORDER BY created_at, id`,
      [ORG_ID],
    );
    const index = new Map(specialists.map((s, i) => [s.id, i]));
    const clientsOf: string[][] = specialists.map(() => []);
    for (const c of clients) clientsOf[index.get(c.primary_specialist_id) ?? 0]?.push(c.id);
    const { rows: fu } = await db.query(
      `SELECT count(*)::int AS n FROM follow_up WHERE organization_id = $1`,
      [ORG_ID],
    );
    return {
      organizationId: ORG_ID,
      specialists,
      supervisors,
      clientsOf,
      notes: seededNotes,
      followUps: fu[0].n,
    };
  }, BENCH.seedDatabaseUrl(opts.seed));
}

/** A database named in `url`, through the maintenance database. */
export async function withAdmin<T>(
  url: string,
  fn: (db: Client, name: string) => Promise<T>,
): Promise<T> {
  const admin = new URL(url);
  const name = decodeURIComponent(admin.pathname.slice(1));
  if (!name.includes('bench')) throw new Error(`refusing to touch ${name}`);
  admin.pathname = '/postgres';
  return withDb((db) => fn(db, name), admin.toString());
}

/**
 * The run's database, copied from the seeded one (a file copy: seconds). Every run starts from
 * the same rows and statistics, whatever earlier runs wrote (S1's notes, S4's discharges, and
 * their dead tuples: this machine's Postgres runs without autovacuum).
 */
export async function cloneSeeded(seedKey: string): Promise<void> {
  const seed = new URL(BENCH.seedDatabaseUrl(seedKey)).pathname.slice(1);
  await withAdmin(BENCH.databaseUrl, async (db, name) => {
    await db.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await db.query(`CREATE DATABASE "${name}" TEMPLATE "${decodeURIComponent(seed)}"`);
  });
}

/**
 * Between scenarios, what autovacuum would have done by then (it is off on this machine): the
 * dead tuples of the previous scenario's writes (S1 updates a client row per note) are removed and
 * the statistics refreshed, so that a scenario is not measured on another's leftovers.
 */
export async function settle(): Promise<void> {
  await withDb(async (db) => {
    await db.query('VACUUM ANALYZE');
    // The pages VACUUM dirtied are written now, not by the checkpointer during the first round.
    await db.query('CHECKPOINT').catch(() => undefined); // needs superuser or pg_checkpoint
  });
}
