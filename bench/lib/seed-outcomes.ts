import { Client } from 'pg';

import { hashPassword } from '../../src/auth/password';
import { BENCH } from './config';
import { withoutNoteTriggers } from './seed';

/**
 * The outcome reports' own organization (issue 16): 100,000 clients and 1,000,000 session notes
 * (about 1 KB each, over the last year), 150,000 BARC-10 assessments, 50,000 discharges and 50,000
 * referrals out (a tenth of them re-sends of a declined one). Seeded once into the seed database
 * (like the rest of the dataset), whatever `--notes` is: the reports' target is stated at this size.
 */
export const OUTCOMES_ORG_ID = 'b0000000-0000-4000-8000-0000000000a1';
export const OUTCOMES_CLIENTS = 100_000;
export const OUTCOMES_NOTES = 1_000_000;
const SPECIALISTS = 100;
const TEAMS = 10;
export const OUTCOMES_ADMIN = 'reports-admin@bench.test';
export const OUTCOMES_SUPERVISOR = 'reports-supervisor1@bench.test';

const log = (msg: string): void => console.log(`  seed: ${msg}`);

async function done(db: Client): Promise<boolean> {
  const { rows } = await db.query(`SELECT value FROM bench_meta WHERE key = 'outcomes'`);
  return rows[0]?.value === 'v1';
}

/** Called by seedDataset after the core data (bench_uuid and bench_meta exist by then). */
export async function seedOutcomes(db: Client): Promise<void> {
  if (await done(db)) return;
  log('outcome reports: 100,000 clients, 1,000,000 notes, assessments, discharges, referrals');
  const u = (t: string): string => `bench_uuid('${t}-' || `;
  const hash = await hashPassword(BENCH.password);
  await db.query('BEGIN');
  await db.query(
    `INSERT INTO organization (id, name) VALUES ($1, 'Bench Outcomes Community') ON CONFLICT (id) DO NOTHING`,
    [OUTCOMES_ORG_ID],
  );
  await db.query(
    `INSERT INTO team (id, organization_id, name)
     SELECT ${u('out-team')}t), $1::uuid, 'Outcomes team ' || t FROM generate_series(1, ${TEAMS}) t`,
    [OUTCOMES_ORG_ID],
  );
  await db.query(
    `INSERT INTO app_user (id, organization_id, email, password_hash, first_name, last_name, role)
     SELECT ${u('out-specialist')}s), $1::uuid, 'reports-specialist' || s || '@bench.test', $2, 'Spec', 'Out' || s, 'peer_specialist'
     FROM generate_series(1, ${SPECIALISTS}) s
     UNION ALL
     SELECT ${u('out-supervisor')}t), $1::uuid, 'reports-supervisor' || t || '@bench.test', $2, 'Super', 'Out' || t, 'supervisor'
     FROM generate_series(1, ${TEAMS}) t
     UNION ALL SELECT bench_uuid('out-admin'), $1::uuid, '${OUTCOMES_ADMIN}', $2, 'Ad', 'Min', 'admin'`,
    [OUTCOMES_ORG_ID, hash],
  );
  await db.query(
    `INSERT INTO team_member (team_id, user_id, membership)
     SELECT ${u('out-team')}(((s - 1) % ${TEAMS}) + 1)), ${u('out-specialist')}s), 'member' FROM generate_series(1, ${SPECIALISTS}) s
     UNION ALL
     SELECT ${u('out-team')}t), ${u('out-supervisor')}t), 'supervisor' FROM generate_series(1, ${TEAMS}) t`,
  );
  await db.query(
    `INSERT INTO client (id, organization_id, first_name, last_name, date_of_birth, status, primary_specialist_id, created_at)
     SELECT ${u('out-client')}c), $1::uuid, 'First' || c, 'Out' || c, date '1970-01-01' + (c % 15000), 'active',
       ${u('out-specialist')}(((c - 1) % ${SPECIALISTS}) + 1)), now() - make_interval(days => c % 400)
     FROM generate_series(1, ${OUTCOMES_CLIENTS}) c`,
    [OUTCOMES_ORG_ID],
  );
  await db.query('COMMIT');
  await seedOutcomeNotes(db);
  await seedOutcomeRecords(db);
  await db.query(
    `INSERT INTO bench_meta (key, value) VALUES ('outcomes', 'v1') ON CONFLICT (key) DO UPDATE SET value = 'v1'`,
  );
}

// Note n belongs to client ((n - 1) % 100,000) + 1: ten per client, spread over the last year;
// 5 % drafts, 10 % outreach attempts (no session), the rest signed or reviewed contacts. Written
// without the notes' triggers (their session days are rebuilt after), by blocks of 20,000 clients.
const CLIENT_BLOCK = 20_000;
async function seedOutcomeNotes(db: Client): Promise<void> {
  const text = `repeat('Client reported steady progress with housing and attended two mutual-support meetings. ', 11)`;
  const started = `now() - make_interval(mins => (n * 53) % 525600)`;
  const author = `bench_uuid('out-specialist-' || ((((n - 1) % ${OUTCOMES_CLIENTS}) % ${SPECIALISTS}) + 1))`;
  const perClient = OUTCOMES_NOTES / OUTCOMES_CLIENTS;
  await withoutNoteTriggers(db, [OUTCOMES_ORG_ID], async () => {
    for (let from = 1; from <= OUTCOMES_CLIENTS; from += CLIENT_BLOCK) {
      const to = Math.min(OUTCOMES_CLIENTS, from + CLIENT_BLOCK - 1);
      await db.query(
        `INSERT INTO session_note (organization_id, client_id, author_id, status, started_at, ended_at, contact_type,
         setting, format, sections, signed_at, content_hash, reviewed_at, review_decision, created_at, updated_at)
       SELECT '${OUTCOMES_ORG_ID}'::uuid, bench_uuid('out-client-' || (((n - 1) % ${OUTCOMES_CLIENTS}) + 1)), ${author},
         CASE WHEN n % 20 = 0 THEN 'draft' WHEN n % 20 IN (1, 2) THEN 'signed' ELSE 'reviewed' END,
         ${started}, ${started} + interval '45 minutes',
         CASE WHEN n % 10 = 3 THEN 'outreach_attempt' WHEN n % 4 = 0 THEN 'phone' ELSE 'in_person' END,
         'community', 'narrative', jsonb_build_object('narrative', ${text}),
         CASE WHEN n % 20 = 0 THEN NULL ELSE ${started} + interval '2 hours' END,
         CASE WHEN n % 20 = 0 THEN NULL ELSE md5(n::text) END,
         CASE WHEN n % 20 > 2 THEN ${started} + interval '1 day' END,
         CASE WHEN n % 20 > 2 THEN 'approved' END, ${started}, ${started}
       FROM generate_series(${from}, ${to}) c CROSS JOIN generate_series(0, ${perClient - 1}) k,
         LATERAL (SELECT c + k * ${OUTCOMES_CLIENTS} AS n) x`,
      );
      log(`  outcome notes of ${to.toLocaleString()} clients`);
    }
  });
}

async function seedOutcomeRecords(db: Client): Promise<void> {
  const client = (c: string): string => `bench_uuid('out-client-' || ${c})`;
  // Three BARC-10s for every other client: at 300, 200 and 100 + (c % 60) days ago.
  await db.query(
    `INSERT INTO assessment (organization_id, client_id, instrument, answers, total, administered_at)
     SELECT $1::uuid, ${client('c')}, 'BARC-10', array_fill((3 + (c + k) % 3)::smallint, ARRAY[10]),
       10 * (3 + (c + k) % 3), now() - make_interval(days => k * 100 + c % 60)
     FROM generate_series(1, ${OUTCOMES_CLIENTS}, 2) c CROSS JOIN generate_series(1, 3) k`,
    [OUTCOMES_ORG_ID],
  );
  await db.query(
    `INSERT INTO discharge (organization_id, client_id, facility, level_of_care, admitted_at, discharged_at, planned)
     SELECT $1::uuid, ${client('c')}, 'Bench Detox', 'withdrawal_management',
       now() - make_interval(days => 10 + c % 365), now() - make_interval(days => c % 365), true
     FROM generate_series(1, ${OUTCOMES_CLIENTS}, 2) c`,
    [OUTCOMES_ORG_ID],
  );
  const { rows } = await db.query(`SELECT to_regclass('public.referral_out') IS NOT NULL AS ok`);
  if (!rows[0].ok) return;
  await db.query(
    `INSERT INTO community_resource (id, organization_id, name, categories)
     VALUES (bench_uuid('out-resource'), $1::uuid, 'Bench Housing Navigator', ARRAY['housing', 'employment', 'food'])`,
    [OUTCOMES_ORG_ID],
  );
  const statuses = `(ARRAY['sent', 'accepted', 'completed', 'completed', 'not-completed', 'declined'])[(c % 6) + 1]`;
  await db.query(
    `INSERT INTO referral_out (id, organization_id, client_id, resource_id, need, reason, status, sent_at, follow_up_due_at)
     SELECT bench_uuid('out-referral-' || c), $1::uuid, ${client('c')}, bench_uuid('out-resource'),
       (ARRAY['housing', 'employment', 'food'])[(c % 3) + 1], 'bench',
       CASE WHEN c % 10 = 5 THEN 'declined' ELSE ${statuses} END,
       now() - make_interval(days => c % 365), now() - make_interval(days => c % 365) + interval '7 days'
     FROM generate_series(2, ${OUTCOMES_CLIENTS}, 2) c`,
    [OUTCOMES_ORG_ID],
  );
  // A tenth of the referrals were declined and re-sent a week later.
  await db.query(
    `INSERT INTO referral_out (organization_id, client_id, resource_id, need, reason, status, resent_from_id, sent_at, follow_up_due_at)
     SELECT r.organization_id, r.client_id, r.resource_id, r.need, 'bench', 'completed', r.id,
       r.sent_at + interval '7 days', r.sent_at + interval '14 days'
     FROM referral_out r WHERE r.organization_id = $1 AND r.status = 'declined' AND r.reason = 'bench'
       AND r.resent_from_id IS NULL AND right(r.client_id::text, 1) IN ('0', '1', '2', '3', '4', '5', '6', '7')`,
    [OUTCOMES_ORG_ID],
  );
}
