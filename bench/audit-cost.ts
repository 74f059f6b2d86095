import { Client } from 'pg';

import { createDataSource } from '../src/database/data-source';
import { BENCH } from './lib/config';

/**
 * `npm run bench:audit`: what the audit trail costs a list read, before and after one event per
 * list read (`client_ids`) and the array seal, measured side by side in one run on a scratch
 * database (migrated from scratch, vacuumed before each measurement):
 *
 * 1. seal rate: pending events sealed per second by `audit_event_seal` (one UPDATE over arrays)
 *    and by the row-by-row function it replaced (recreated here as `audit_event_seal_rowwise`);
 * 2. the write a 50-client list read adds: 50 rows (one per client) vs one row with 50 ids, in
 *    commits per second from 8 parallel connections;
 * 3. the sealer's capacity in list reads per second: seal rate / rows per read.
 */
const EVENTS = 50_000;
const BATCH = 5_000;
const ROUNDS = 3;
const WRITE_SECONDS = 5;
const WRITERS = 8;
const CLIENTS_PER_READ = 50;

const ROWWISE = `
  CREATE OR REPLACE FUNCTION audit_event_seal_rowwise(org uuid, max_rows integer) RETURNS integer
  LANGUAGE plpgsql AS $fn$
  DECLARE last_seq bigint; last_hash bytea; next_hash bytea; r audit_event%ROWTYPE; sealed integer := 0;
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('audit_event:' || org::text, 0));
    SELECT seq, hash INTO last_seq, last_hash FROM audit_event
      WHERE organization_id = org AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
    FOR r IN SELECT * FROM audit_event WHERE organization_id = org AND seq IS NULL
             ORDER BY occurred_at, id LIMIT max_rows FOR UPDATE LOOP
      r.seq := coalesce(last_seq, 0) + 1;
      next_hash := audit_event_digest(r, last_hash);
      UPDATE audit_event SET seq = r.seq, prev_hash = last_hash, hash = next_hash
        WHERE id = r.id AND occurred_at = r.occurred_at;
      last_seq := r.seq; last_hash := next_hash; sealed := sealed + 1;
    END LOOP;
    RETURN sealed;
  END $fn$`;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function sealRate(db: Client, fn: string): Promise<number> {
  const org = crypto.randomUUID(); // a fresh chain each round
  await db.query(
    `INSERT INTO audit_event (organization_id, actor_type, action, client_id, resource_type,
       resource_id, outcome, correlation_id, occurred_at)
     SELECT $1, 'user', 'client.read', gen_random_uuid(), 'client', gen_random_uuid()::text,
       'success', gen_random_uuid()::text, now() - make_interval(secs => $2 - g)
     FROM generate_series(1, $2) g`,
    [org, EVENTS],
  );
  await db.query('VACUUM ANALYZE audit_event');
  const start = process.hrtime.bigint();
  for (;;) {
    const [{ n }] = (await db.query(`SELECT ${fn}($1, $2) AS n`, [org, BATCH])).rows;
    if (n < BATCH) break;
  }
  return EVENTS / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function writeRate(url: string, variant: 'rows' | 'array'): Promise<number> {
  const sql =
    variant === 'rows'
      ? `INSERT INTO audit_event (organization_id, actor_id, actor_type, actor_role, action,
           client_id, resource_type, resource_id, outcome, correlation_id)
         SELECT $1, $2, 'user', 'supervisor', 'caseload.read', c, 'specialist', $4, 'success', 'bench'
         FROM unnest($3::uuid[]) c`
      : `INSERT INTO audit_event (organization_id, actor_id, actor_type, actor_role, action,
           client_ids, resource_type, resource_id, outcome, correlation_id)
         VALUES ($1, $2, 'user', 'supervisor', 'caseload.read', $3::uuid[], 'specialist', $4, 'success', 'bench')`;
  const org = '00000000-0000-4000-8000-0000000000aa';
  const ids = Array.from({ length: CLIENTS_PER_READ }, () => crypto.randomUUID());
  const deadline = Date.now() + WRITE_SECONDS * 1000;
  const counts = await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      const c = new Client({ connectionString: url });
      await c.connect();
      let n = 0;
      while (Date.now() < deadline) {
        const actor = crypto.randomUUID();
        await c.query(sql, [org, actor, ids, actor]);
        n++;
      }
      await c.end();
      return n;
    }),
  );
  return counts.reduce((a, b) => a + b, 0) / WRITE_SECONDS;
}

async function main(): Promise<void> {
  const url = BENCH.databaseUrl.replace(/(\/[^/?]+)(\?|$)/, '$1_audit$2');
  const name = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: url.replace(`/${name}`, '/postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  const ds = createDataSource({ url, appUrl: url, poolSize: 2, preparedStatements: true });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  const db = new Client({ connectionString: url });
  await db.connect();
  await db.query(ROWWISE);

  const rowwise: number[] = [];
  const array: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    rowwise.push(await sealRate(db, 'audit_event_seal_rowwise'));
    array.push(await sealRate(db, 'audit_event_seal'));
  }
  const rows: number[] = [];
  const arrays: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    rows.push(await writeRate(url, 'rows'));
    arrays.push(await writeRate(url, 'array'));
    await db.query('VACUUM ANALYZE audit_event');
  }
  const [sOld, sNew, wOld, wNew] = [rowwise, array, rows, arrays].map(median);
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  console.log(`audit cost (${ROUNDS} rounds, medians; ${EVENTS} events per seal round)`);
  console.log(
    `seal: row by row ${fmt(sOld)} events/s, one UPDATE over arrays ${fmt(sNew)} events/s: x${(sNew / sOld).toFixed(2)}`,
  );
  console.log(
    `a ${CLIENTS_PER_READ}-client list read, ${WRITERS} writers: ${CLIENTS_PER_READ} rows ${fmt(wOld)} commits/s, one row with the ids ${fmt(wNew)} commits/s: x${(wNew / wOld).toFixed(2)}`,
  );
  const capOld = sOld / CLIENTS_PER_READ;
  const capNew = sNew;
  console.log(
    `sealer capacity in ${CLIENTS_PER_READ}-client list reads/s: before ${fmt(capOld)}, after ${fmt(capNew)}: x${(capNew / capOld).toFixed(1)}`,
  );
  await db.end();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
