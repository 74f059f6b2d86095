import { Client } from 'pg';

import { hashPassword } from '../../src/auth/password';
import { BENCH } from './config';
import { columnsOf, insertNotes, meta, ORG_ID, setMeta, withoutNoteTriggers } from './seed';

/**
 * `--size=state` (issue 17): a state's network of peer programs in one database. The bench
 * organization (100 specialists, 5,000 clients, 1,000,000 notes: the full mode's data, so that
 * S1-S3 and the export read the same caseloads at both sizes) and 49 more organizations with
 * 1,900 specialists, 95,000 clients and 9,000,000 notes between them: 50 organizations, 2,000
 * specialists, 100,000 clients, 10,000,000 notes. And 100,000,000 audit events over the last 24
 * months, 2,000,000 per organization, each organization's a real hash chain (`audit_event_digest`,
 * as the sealer computes it), one partition per month. Every step is recorded in `bench_meta`
 * and resumes where it stopped. `BENCH_STATE_SCALE=0.001` seeds a thousandth of the notes and
 * events (with BENCH_DATABASE_URL naming another database): a try of the seed in a minute.
 */
// Caseloads of 50, as in the bench organization (seed.ts imports this module: no constant from it).
const CLIENTS_PER_SPECIALIST = 50;
const SCALE = Number(process.env.BENCH_STATE_SCALE ?? 1);
export const STATE = {
  organizations: 49,
  specialists: 1_900,
  teamsPerOrganization: 4,
  clients: 1_900 * CLIENTS_PER_SPECIALIST,
  notes: Math.round(9_000_000 * SCALE),
  auditEvents: Math.round(100_000_000 * SCALE),
  months: 24,
} as const;

const log = (msg: string): void => console.log(`  seed: ${msg}`);

/** Called by seedDataset after the bench organization (bench_uuid and bench_meta exist by then). */
export async function seedState(db: Client): Promise<void> {
  await db.query(`SET work_mem = '512MB'`);
  await db.query(`SET maintenance_work_mem = '1GB'`);
  await db.query(`SET statement_timeout = 0`);
  await seedPeople(db);
  await seedStateNotes(db);
  await seedAudit(db);
}

// Organization o (1..49); specialist s (1..1,900) works in organization ((s - 1) % 49) + 1, on one
// of its four teams; client c (1..95,000) belongs to specialist ((c - 1) / 50) + 1.
const ORG_OF_SPECIALIST = (s: string): string => `(((${s}) - 1) % ${STATE.organizations}) + 1`;
const TEAM_OF_SPECIALIST = (s: string): string =>
  `bench_uuid('state-team-' || ${ORG_OF_SPECIALIST(s)} || '-' || (((((${s}) - 1) / ${STATE.organizations}) % ${STATE.teamsPerOrganization}) + 1))`;
const SPECIALIST_OF_CLIENT = (c: string): string =>
  `((((${c}) - 1) / ${CLIENTS_PER_SPECIALIST}) + 1)`;

async function seedPeople(db: Client): Promise<void> {
  if ((await meta(db, 'state-people')) === 'v1') return;
  log(
    `state: ${STATE.organizations} more organizations, ${STATE.specialists.toLocaleString()} specialists, ` +
      `${STATE.clients.toLocaleString()} clients`,
  );
  const hash = await hashPassword(BENCH.password);
  const teams = `generate_series(1, ${STATE.organizations}) o CROSS JOIN generate_series(1, ${STATE.teamsPerOrganization}) t`;
  await db.query('BEGIN');
  await db.query(
    `INSERT INTO organization (id, name)
     SELECT bench_uuid('state-org-' || o), 'State program ' || o FROM generate_series(1, ${STATE.organizations}) o`,
  );
  await db.query(
    `INSERT INTO team (id, organization_id, name)
     SELECT bench_uuid('state-team-' || o || '-' || t), bench_uuid('state-org-' || o), 'Team ' || t FROM ${teams}`,
  );
  await db.query(
    `INSERT INTO app_user (id, organization_id, email, password_hash, first_name, last_name, role)
     SELECT bench_uuid('state-specialist-' || s), bench_uuid('state-org-' || ${ORG_OF_SPECIALIST('s')}),
       'state-specialist' || s || '@bench.test', $1, 'Spec', 'State' || s, 'peer_specialist'
     FROM generate_series(1, ${STATE.specialists}) s
     UNION ALL
     SELECT bench_uuid('state-supervisor-' || o || '-' || t), bench_uuid('state-org-' || o),
       'state-supervisor' || o || '-' || t || '@bench.test', $1, 'Super', 'State' || o, 'supervisor'
     FROM ${teams}`,
    [hash],
  );
  await db.query(
    `INSERT INTO team_member (team_id, user_id, membership)
     SELECT ${TEAM_OF_SPECIALIST('s')}, bench_uuid('state-specialist-' || s), 'member'
     FROM generate_series(1, ${STATE.specialists}) s
     UNION ALL
     SELECT bench_uuid('state-team-' || o || '-' || t), bench_uuid('state-supervisor-' || o || '-' || t), 'supervisor'
     FROM ${teams}`,
  );
  await db.query(
    `INSERT INTO client (id, organization_id, first_name, last_name, date_of_birth, status, primary_specialist_id,
       last_contact_at, recovery_start_date, created_at)
     SELECT bench_uuid('state-client-' || c), bench_uuid('state-org-' || ${ORG_OF_SPECIALIST(SPECIALIST_OF_CLIENT('c'))}),
       'First' || c, 'State' || c, date '1970-01-01' + (c % 15000), 'active',
       bench_uuid('state-specialist-' || ${SPECIALIST_OF_CLIENT('c')}),
       now() - make_interval(hours => (c * 37) % 720), current_date - (c % 400), now() - make_interval(days => c % 365)
     FROM generate_series(1, ${STATE.clients}) c`,
  );
  await db.query(
    `INSERT INTO client_assignment (client_id, specialist_id, reason, started_at)
     SELECT id, primary_specialist_id, 'bench', created_at FROM client
     WHERE organization_id IN (SELECT bench_uuid('state-org-' || o) FROM generate_series(1, ${STATE.organizations}) o)`,
  );
  await setMeta(db, 'state-people', 'v1');
  await db.query('COMMIT');
}

/** 9,000,000 notes over the 95,000 clients of the 49 organizations (about 95 each). */
async function seedStateNotes(db: Client): Promise<void> {
  const done = Number((await meta(db, 'state-notes')) ?? 0);
  if (done >= STATE.notes) return;
  log(`state: notes ${done.toLocaleString()} -> ${STATE.notes.toLocaleString()}`);
  const cols = await columnsOf(db, 'session_note');
  const client = `(((n - 1) % ${STATE.clients}) + 1)`;
  const owner = {
    organization: `bench_uuid('state-org-' || ${ORG_OF_SPECIALIST(SPECIALIST_OF_CLIENT(client))})`,
    client: `bench_uuid('state-client-' || ${client})`,
    author: `bench_uuid('state-specialist-' || ${SPECIALIST_OF_CLIENT(client)})`,
  };
  const orgs = await db.query(
    `SELECT array_agg(bench_uuid('state-org-' || o)) AS ids FROM generate_series(1, ${STATE.organizations}) o`,
  );
  const batch = 500_000;
  await withoutNoteTriggers(db, orgs.rows[0].ids, async () => {
    for (let from = done + 1; from <= STATE.notes; from += batch) {
      const to = Math.min(STATE.notes, from + batch - 1);
      await insertNotes(db, cols, from, to, owner);
      await setMeta(db, 'state-notes', String(to));
      log(`  state notes: ${to.toLocaleString()}`);
    }
  });
}

/**
 * 100,000,000 audit events, month by month. Each month is written into a plain table without
 * indexes, by two connections (half of the organizations each), its hash chain computed by a
 * window aggregate over `audit_event_digest` that starts from each organization's last link of
 * the month before; then attached as the month's partition (which builds its indexes) and
 * vacuumed. Per organization and month: 1 in 20 events a caseload list naming 10 clients
 * (`client_ids`), 1 a sign-in, 3 note writes, 15 client reads.
 */
async function seedAudit(db: Client): Promise<void> {
  const perOrgMonth = Math.ceil(STATE.auditEvents / (STATE.months * (STATE.organizations + 1)));
  const done = Number((await meta(db, 'state-audit-months')) ?? 0);
  if (done >= STATE.months) return;
  log(
    `state: audit events, ${perOrgMonth.toLocaleString()} per organization and month over ${STATE.months} months ` +
      `(months done: ${done})`,
  );
  await db.query(`
    CREATE OR REPLACE FUNCTION bench_chain_step(state bytea, e audit_event, start bytea) RETURNS bytea
    LANGUAGE sql IMMUTABLE AS $$ SELECT audit_event_digest(e, coalesce(state, start)) $$;
    DROP AGGREGATE IF EXISTS bench_chain(audit_event, bytea);
    CREATE AGGREGATE bench_chain(audit_event, bytea) (sfunc = bench_chain_step, stype = bytea);
    CREATE TABLE IF NOT EXISTS bench_chain_tail (organization_id uuid PRIMARY KEY, hash bytea NOT NULL);
    DROP TABLE IF EXISTS bench_state_org, bench_state_actor;
    CREATE UNLOGGED TABLE bench_state_org AS
      SELECT o.no, o.id, (SELECT count(*) FROM client c WHERE c.organization_id = o.id)::int AS pairs
      FROM (SELECT 0 AS no, '${ORG_ID}'::uuid AS id
            UNION ALL SELECT o, bench_uuid('state-org-' || o) FROM generate_series(1, ${STATE.organizations}) o) o;
    -- Client idx of an organization, its specialist, and the page of 10 clients from it.
    CREATE UNLOGGED TABLE bench_state_actor AS
      SELECT o.no AS org_no, (row_number() OVER w - 1)::int AS idx, c.primary_specialist_id AS actor_id,
        c.id AS client_id, array_agg(c.id) OVER (w ROWS BETWEEN CURRENT ROW AND 9 FOLLOWING) AS page
      FROM client c JOIN bench_state_org o ON o.id = c.organization_id
      WINDOW w AS (PARTITION BY o.no ORDER BY c.id);
    CREATE UNIQUE INDEX ON bench_state_actor (org_no, idx);
    ANALYZE bench_state_org, bench_state_actor;
  `);
  const second = new Client({ connectionString: BENCH.seedDatabaseUrl('state') });
  await second.connect();
  try {
    await second.query(`SET work_mem = '512MB'`);
    for (let m = done; m < STATE.months; m++) {
      const started = Date.now();
      const ago = STATE.months - m;
      const { rows } = await db.query(
        `SELECT lo, lo + interval '1 month' AS hi,
           'audit_event_y' || to_char(lo, 'YYYY') || 'm' || to_char(lo, 'MM') AS part
         FROM (SELECT date_trunc('month', now() AT TIME ZONE 'UTC') - make_interval(months => $1) AS lo) x`,
        [ago],
      );
      const { lo, hi, part } = rows[0] as { lo: Date; hi: Date; part: string };
      await db.query(`DROP TABLE IF EXISTS ${part}`);
      await db.query(
        `CREATE TABLE ${part} (LIKE audit_event INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
      );
      const fill = (conn: Client, half: number): Promise<unknown> =>
        conn.query(auditMonthSql(part, m, perOrgMonth, half), [lo.toISOString(), hi.toISOString()]);
      await Promise.all([fill(db, 0), fill(second, 1)]);
      await db.query(
        `ALTER TABLE audit_event ATTACH PARTITION ${part} FOR VALUES FROM ('${lo.toISOString()}') TO ('${hi.toISOString()}')`,
      );
      await db.query(`REVOKE ALL ON ${part} FROM recovery_bridge_app`);
      await db.query(
        `INSERT INTO bench_chain_tail (organization_id, hash)
         SELECT DISTINCT ON (organization_id) organization_id, hash FROM ${part} ORDER BY organization_id, seq DESC
         ON CONFLICT (organization_id) DO UPDATE SET hash = EXCLUDED.hash`,
      );
      await db.query(`VACUUM ANALYZE ${part}`);
      await setMeta(db, 'state-audit-months', String(m + 1));
      log(
        `  audit month ${m + 1}/${STATE.months} (${part}) in ${Math.round((Date.now() - started) / 1000)} s`,
      );
    }
  } finally {
    await second.end();
  }
}

/** One month's events of half the organizations ($1 and $2: the month's bounds). */
function auditMonthSql(part: string, month: number, perOrg: number, half: number): string {
  const kind = `(k % 20)`;
  return `
    INSERT INTO ${part} (id, organization_id, seq, occurred_at, actor_id, actor_type, actor_role, action, client_id,
      resource_type, resource_id, outcome, correlation_id, prev_hash, hash, client_ids)
    SELECT (e).id, (e).organization_id, (e).seq, (e).occurred_at, (e).actor_id, (e).actor_type, (e).actor_role,
      (e).action, (e).client_id, (e).resource_type, (e).resource_id, (e).outcome, (e).correlation_id,
      coalesce(lag(h) OVER w, start), h, (e).client_ids
    FROM (
      SELECT e, start, bench_chain(e, start) OVER w AS h
      FROM (
        SELECT ROW(gen_random_uuid(), o.id, ${month * perOrg}::bigint + k,
            $1::timestamptz + ($2::timestamptz - $1::timestamptz) * ((k - 0.5) / ${perOrg}),
            a.actor_id, 'user', 'peer_specialist',
            CASE ${kind} WHEN 0 THEN 'caseload.list' WHEN 1 THEN 'auth.login'
              WHEN 2 THEN 'session-note.create' WHEN 3 THEN 'session-note.create' WHEN 4 THEN 'session-note.create'
              ELSE 'client.access' END,
            CASE WHEN ${kind} > 1 THEN a.client_id END,
            CASE ${kind} WHEN 0 THEN 'Caseload' WHEN 1 THEN NULL WHEN 2 THEN 'SessionNote' WHEN 3 THEN 'SessionNote'
              WHEN 4 THEN 'SessionNote' ELSE 'Client' END,
            CASE WHEN ${kind} BETWEEN 2 AND 4 THEN gen_random_uuid()::text WHEN ${kind} > 4 THEN a.client_id::text END,
            'success', NULL, NULL, NULL, CASE WHEN ${kind} = 0 THEN a.page END)::audit_event AS e,
          t.hash AS start
        FROM bench_state_org o CROSS JOIN generate_series(1, ${perOrg}) k
        JOIN bench_state_actor a ON a.org_no = o.no AND a.idx = (k * 7919 + ${month * 31}) % o.pairs
        LEFT JOIN bench_chain_tail t ON t.organization_id = o.id
        WHERE o.no % 2 = ${half}
      ) g
      WINDOW w AS (PARTITION BY (e).organization_id ORDER BY (e).seq)
    ) c
    WINDOW w AS (PARTITION BY (e).organization_id ORDER BY (e).seq)`;
}
