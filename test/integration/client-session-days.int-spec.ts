import { Client as PgClient } from 'pg';
import request from 'supertest';

import { clientScope } from '../../src/auth/access/scope.sql';
import { loadConfig } from '../../src/config/configuration';
import { UserPrincipal } from '../../src/auth/principal';
import { createClient } from '../factories/client.factory';
import { insertDischarge } from '../factories/discharge.factory';
import { createTestOrg, TestOrg, TestUser } from '../factories/people.factory';
import { bearer } from '../helpers/http';
import { captureStatements } from '../helpers/sql-statements';
import { createTestApp, TestApp } from '../setup/create-test-app';

/**
 * `client_session_days` (migration 1764000014210): per client, the sorted UTC days of their
 * sessions, kept by a trigger on session_note, and what the engagement and retention reports read
 * instead of the notes (recovery capital reads an index of the BARC-10s). The trigger's edges
 * (sign, unsign, move, delete, day boundaries, out-of-order days, duplicates), a burst of
 * concurrent writers, and each of the three reports against its definition computed straight from
 * the notes and assessments (the statements they replaced) over a random history, for many
 * periods and two scopes.
 */
describe('client_session_days and the reports that read it (integration)', () => {
  let t: TestApp;
  let org: TestOrg;
  const http = () => request(t.app.getHttpServer());

  /** A note row written directly; returns its id. Signed/reviewed notes get a signature. */
  const note = async (
    clientId: string,
    startedAt: string,
    o: { status?: string; contactType?: string } = {},
  ): Promise<string> => {
    const status = o.status ?? 'signed';
    const [row] = await t.dataSource.query(
      `INSERT INTO session_note (organization_id, client_id, author_id, status, started_at, ended_at, contact_type,
         format, signed_at, content_hash)
       VALUES ($1, $2, $3, $4, $5, $5, $6, 'narrative', $7, $8) RETURNING id`,
      [
        org.id,
        clientId,
        org.peerA1.id,
        status,
        new Date(startedAt),
        o.contactType ?? 'in_person',
        status === 'draft' ? null : new Date(startedAt),
        status === 'draft' ? null : 'hash',
      ],
    );
    return row.id;
  };
  /** What the table holds for a client, in order ([] when no row). */
  const kept = async (clientId: string): Promise<string[]> => {
    const rows: { d: string }[] = await t.dataSource.query(
      `SELECT to_char(u.d, 'YYYY-MM-DD') AS d FROM client_session_days t, unnest(t.days) WITH ORDINALITY u(d, i)
       WHERE t.client_id = $1 ORDER BY u.i`,
      [clientId],
    );
    return rows.map((r) => r.d);
  };
  /** Every client's sessions' days recomputed from the notes, against what the table holds. */
  const recomputed = (ids: string[]) =>
    t.dataSource.query(
      `SELECT c.id,
         coalesce((SELECT array_agg(to_char((n.started_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') ORDER BY n.started_at)
           FROM session_note n WHERE n.client_id = c.id AND n.status IN ('signed', 'reviewed')
             AND n.contact_type IN ('in_person', 'phone', 'video', 'text')), '{}') AS expected,
         coalesce((SELECT array(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(t.days) WITH ORDINALITY u(d, i) ORDER BY i)
           FROM client_session_days t WHERE t.client_id = c.id), '{}') AS kept
       FROM client c WHERE c.id = ANY($1) ORDER BY c.id`,
      [ids],
    );
  const client = () =>
    createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerA1.id });

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
  });
  afterAll(() => t.close());

  describe('the trigger', () => {
    it('should keep a session’s UTC day, and nothing for a draft, an outreach attempt or a collateral contact', async () => {
      const a = await client();
      await note(a, '2025-03-10T23:59:59.999Z');
      await note(a, '2025-03-11T00:00:00Z'); // the next UTC day
      await note(a, '2025-03-12T10:00:00Z', { status: 'draft' });
      await note(a, '2025-03-13T10:00:00Z', { contactType: 'outreach_attempt' });
      await note(a, '2025-03-14T10:00:00Z', { contactType: 'collateral' });
      await note(a, '2025-03-15T10:00:00Z', { status: 'reviewed', contactType: 'text' });
      expect(await kept(a)).toEqual(['2025-03-10', '2025-03-11', '2025-03-15']);
      expect(await kept(await client())).toEqual([]); // no session, no row
    });

    it('should put a day written out of order in its place, and keep a day once per session', async () => {
      const a = await client();
      for (const at of [
        '2025-05-20T10:00:00Z',
        '2025-05-01T10:00:00Z', // before every day
        '2025-05-10T08:00:00Z',
        '2025-05-10T18:00:00Z', // the same day twice
        '2025-05-31T10:00:00Z',
        '2025-05-10T09:00:00Z', // and a third time, between the others
      ])
        await note(a, at);
      expect(await kept(a)).toEqual([
        '2025-05-01',
        '2025-05-10',
        '2025-05-10',
        '2025-05-10',
        '2025-05-20',
        '2025-05-31',
      ]);
    });

    it('should add a day when a draft is signed, keep it on review, and take one occurrence out when unsigned', async () => {
      const a = await client();
      await note(a, '2025-06-02T10:00:00Z');
      const draft = await note(a, '2025-06-02T15:00:00Z', { status: 'draft' });
      expect(await kept(a)).toEqual(['2025-06-02']);
      await t.dataSource.query(
        `UPDATE session_note SET status = 'signed', signed_at = now(), content_hash = 'h' WHERE id = $1`,
        [draft],
      );
      expect(await kept(a)).toEqual(['2025-06-02', '2025-06-02']);
      await t.dataSource.query(`UPDATE session_note SET status = 'reviewed' WHERE id = $1`, [
        draft,
      ]);
      expect(await kept(a)).toEqual(['2025-06-02', '2025-06-02']);
      // Back to draft (the database allows it; the API never does): one occurrence leaves.
      await t.dataSource.query(`UPDATE session_note SET status = 'draft' WHERE id = $1`, [draft]);
      expect(await kept(a)).toEqual(['2025-06-02']);
      // A draft moved to another day and client and then signed counts there only.
      const b = await client();
      await t.dataSource.query(
        `UPDATE session_note SET client_id = $2, started_at = '2025-06-30T23:00:00Z', ended_at = '2025-06-30T23:30:00Z'
         WHERE id = $1`,
        [draft, b],
      );
      expect(await kept(b)).toEqual([]);
      await t.dataSource.query(
        `UPDATE session_note SET status = 'signed', contact_type = 'video' WHERE id = $1`,
        [draft],
      );
      expect(await kept(a)).toEqual(['2025-06-02']);
      expect(await kept(b)).toEqual(['2025-06-30']);
      // A draft deleted changes nothing; a session unsigned and deleted leaves an empty row.
      await t.dataSource.query(
        `DELETE FROM session_note WHERE client_id = $1 AND status = 'draft'`,
        [a],
      );
      await t.dataSource.query(`UPDATE session_note SET status = 'draft' WHERE id = $1`, [draft]);
      await t.dataSource.query(`DELETE FROM session_note WHERE id = $1`, [draft]);
      expect(await kept(b)).toEqual([]);
      for (const r of await recomputed([a, b])) expect(r.kept).toEqual(r.expected);
    });

    it('should follow a session moved in time, to another client, or out of the session contact types, and deleted', async () => {
      // Signed notes are locked (session_note_lock); with the lock set aside, in a transaction that
      // is rolled back, every change a row can go through is followed.
      const a = await client();
      const b = await client();
      const s1 = await note(a, '2025-07-01T12:00:00Z');
      const s2 = await note(a, '2025-07-05T12:00:00Z');
      await note(a, '2025-07-09T12:00:00Z');
      const seen: Record<string, string[][]> = {};
      // As the owner (the application role may not alter the table), in one transaction.
      const db = new PgClient({ connectionString: loadConfig().db.url });
      await db.connect();
      const look = async (k: string) => {
        const { rows } = await db.query<{ client_id: string; days: string[] }>(
          `SELECT t.client_id, array(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(t.days) WITH ORDINALITY u(d, i) ORDER BY i) AS days
           FROM client_session_days t WHERE t.client_id = ANY($1)`,
          [[a, b]],
        );
        const of = (id: string) => rows.find((r) => r.client_id === id)?.days ?? [];
        seen[k] = [of(a), of(b)];
      };
      const set = (column: string, value: string, id: string) =>
        db.query(
          // A note ends after it starts: a moved start moves the end with it.
          `UPDATE session_note SET ${column} = $2${column === 'started_at' ? ', ended_at = $2' : ''} WHERE id = $1`,
          [id, value],
        );
      try {
        await db.query('BEGIN');
        await db.query(`ALTER TABLE session_note DISABLE TRIGGER session_note_lock_trg`);
        // Same UTC day, another hour: nothing moves.
        await set('started_at', '2025-07-01T23:59:59Z', s1);
        await look('same day');
        // Over midnight to the next day, then past a later day.
        await set('started_at', '2025-07-02T00:00:00Z', s1);
        await look('next day');
        await set('started_at', '2025-07-20T08:00:00Z', s1);
        await look('later');
        // To another client, and out of the session contact types (and back).
        await set('client_id', b, s2);
        await look('other client');
        await set('contact_type', 'collateral', s2);
        await look('collateral');
        await set('contact_type', 'phone', s2);
        await db.query(`DELETE FROM session_note WHERE id = $1`, [s1]);
        await look('deleted');
      } finally {
        await db.query('ROLLBACK');
        await db.end();
      }
      expect(seen).toEqual({
        'same day': [['2025-07-01', '2025-07-05', '2025-07-09'], []],
        'next day': [['2025-07-02', '2025-07-05', '2025-07-09'], []],
        later: [['2025-07-05', '2025-07-09', '2025-07-20'], []],
        'other client': [['2025-07-09', '2025-07-20'], ['2025-07-05']],
        collateral: [['2025-07-09', '2025-07-20'], []],
        deleted: [['2025-07-09'], ['2025-07-05']],
      });
      // Rolled back: as before.
      expect(await kept(a)).toEqual(['2025-07-01', '2025-07-05', '2025-07-09']);
      expect(await kept(b)).toEqual([]);
    });

    it('should leave every client’s days right after a burst of concurrent writers', async () => {
      const ids = [await client(), await client(), await client()];
      const fresh = await client(); // its first row is raced for by several writers at once
      const day = (month: number, d: number) =>
        `2025-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}T10:00:00Z`;
      // Per client: 8 drafts to sign and 4 sessions to unsign, during the burst.
      const drafts: string[][] = [];
      const sessions: string[][] = [];
      for (const [k, id] of ids.entries()) {
        drafts.push([]);
        sessions.push([]);
        for (let i = 0; i < 8; i++)
          drafts[k].push(await note(id, day(8, 1 + i * 3), { status: 'draft' }));
        for (let i = 0; i < 4; i++) sessions[k].push(await note(id, day(9, 1 + i * 2)));
      }
      const insert = (db: PgClient, clientId: string, at: string) =>
        db.query(
          `INSERT INTO session_note (organization_id, client_id, author_id, status, started_at, ended_at, contact_type,
             format, signed_at, content_hash)
           VALUES ($1, $2, $3, 'signed', $4, $4, 'phone', 'narrative', $4, 'h')`,
          [org.id, clientId, org.peerA1.id, at],
        );
      // 6 writers race for the fresh client's first row; 12 others (4 per client) each insert a
      // session (in and out of order, the same days), sign two drafts and unsign one session,
      // in one transaction held open a little before it commits.
      const writers = Array.from({ length: 18 }, (_, w) => async () => {
        const db = new PgClient({ connectionString: loadConfig().db.appUrl });
        await db.connect();
        try {
          await db.query('BEGIN');
          if (w < 6) await insert(db, fresh, day(10, 1 + (w % 3)));
          else {
            const k = w % 3;
            const j = Math.floor((w - 6) / 3); // 0..3
            await insert(db, ids[k], day(j % 2 ? 7 : 11, 15));
            for (const id of drafts[k].slice(j * 2, j * 2 + 2))
              await db.query(
                `UPDATE session_note SET status = 'signed', signed_at = now(), content_hash = 'h' WHERE id = $1`,
                [id],
              );
            await db.query(`UPDATE session_note SET status = 'draft' WHERE id = $1`, [
              sessions[k][j],
            ]);
          }
          await new Promise((r) => setTimeout(r, 5 + ((w * 7) % 20)));
          await db.query('COMMIT');
        } finally {
          await db.end();
        }
      });
      await Promise.all(writers.map((w) => w()));
      const rows: { id: string; expected: string[]; kept: string[] }[] = await recomputed([
        ...ids,
        fresh,
      ]);
      for (const r of rows) expect(r.kept).toEqual(r.expected);
      expect(rows.find((r) => r.id === fresh)?.kept).toHaveLength(6);
      // Per client: 4 sessions before, 4 inserted, 8 drafts signed, 4 unsigned.
      for (const id of ids) expect(rows.find((r) => r.id === id)?.kept).toHaveLength(12);
    });
  });

  describe('the reports against their definitions', () => {
    // The statements the reports were before they read client_session_days (and the BARC-10
    // index): the definitions, straight from the notes and the assessments.
    const SESSION = (n: string) =>
      `${n}.status IN ('signed', 'reviewed') AND ${n}.contact_type IN ('in_person', 'phone', 'video', 'text')`;
    const DAY = (i: string) => `(${i} AT TIME ZONE 'UTC')::date`;
    const START = (day: string) => `((${day})::timestamp AT TIME ZONE 'UTC')`;
    const FROM = START(':from::date');
    const AFTER_TO = START('(:to::date + 1)');
    const ENGAGEMENT = (scope: string) => `
      WITH s AS (
        SELECT n.client_id, count(*)::int AS sessions FROM session_note n JOIN client c ON c.id = n.client_id
        WHERE ${scope} AND n.organization_id = :scopeOrgId AND ${SESSION('n')}
          AND n.started_at >= ${FROM} AND n.started_at < ${AFTER_TO}
        GROUP BY n.client_id
      ), d AS (
        SELECT ${DAY(`(SELECT min(x.started_at) FROM session_note x
            WHERE x.client_id = d.client_id AND ${SESSION('x')}
              AND x.started_at >= ${START(DAY('d.discharged_at'))})`)} - ${DAY('d.discharged_at')} AS days
        FROM discharge d JOIN client c ON c.id = d.client_id
        WHERE ${scope} AND d.organization_id = :scopeOrgId
          AND d.discharged_at >= ${FROM} AND d.discharged_at < ${AFTER_TO}
      )
      SELECT (SELECT count(*)::int FROM s) AS "clientsSeen",
        (SELECT coalesce(sum(sessions), 0)::int FROM s) AS sessions,
        (SELECT round(sum(sessions)::numeric / count(*) / ((:to::date - :from::date + 1) / 30.4375), 2)::float8 FROM s)
          AS "sessionsPerClientPerMonth",
        (SELECT count(*)::int FROM d) AS discharges,
        (SELECT count(days)::int FROM d) AS "dischargesWithContact",
        (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY days)::float8 FROM d WHERE days IS NOT NULL)
          AS "medianDaysDischargeToFirstContact"`;
    const RECOVERY_CAPITAL = (scope: string) => `
      WITH a AS (
        SELECT a.client_id, a.total, ${DAY('a.administered_at')} AS day,
          row_number() OVER (PARTITION BY a.client_id ORDER BY a.administered_at, a.id) AS from_first,
          row_number() OVER (PARTITION BY a.client_id ORDER BY a.administered_at DESC, a.id DESC) AS from_last
        FROM assessment a JOIN client c ON c.id = a.client_id
        WHERE ${scope} AND a.organization_id = :scopeOrgId AND a.instrument = 'BARC-10'
          AND a.administered_at >= ${FROM} AND a.administered_at < ${AFTER_TO}
      ), pc AS (
        SELECT client_id, count(*) AS assessments,
          max(total) FILTER (WHERE from_first = 1) AS first_total, max(day) FILTER (WHERE from_first = 1) AS first_day,
          max(total) FILTER (WHERE from_last = 1) AS latest_total, max(day) FILTER (WHERE from_last = 1) AS latest_day
        FROM a GROUP BY client_id
      ), e AS (
        SELECT *, assessments >= 2 AND latest_day - first_day >= 60 AS included FROM pc
      )
      SELECT count(*) FILTER (WHERE included)::int AS clients,
        count(*) FILTER (WHERE assessments = 1)::int AS "excludedOneAssessment",
        count(*) FILTER (WHERE assessments >= 2 AND NOT included)::int AS "excludedUnder60Days",
        round(avg(first_total) FILTER (WHERE included), 2)::float8 AS "meanFirstTotal",
        round(avg(latest_total) FILTER (WHERE included), 2)::float8 AS "meanLatestTotal",
        round(avg(latest_total - first_total) FILTER (WHERE included), 2)::float8 AS "meanChange",
        count(*) FILTER (WHERE included AND latest_total > first_total)::int AS improved,
        count(*) FILTER (WHERE included AND first_total < 47)::int AS "belowThresholdAtFirst",
        count(*) FILTER (WHERE included AND first_total < 47 AND latest_total >= 47)::int AS "crossedThreshold",
        round((count(*) FILTER (WHERE included AND first_total < 47 AND latest_total >= 47))::numeric
          / nullif(count(*) FILTER (WHERE included AND first_total < 47), 0), 4)::float8 AS "shareCrossingThreshold"
      FROM e`;
    const TODAY = `(now() AT TIME ZONE 'UTC')::date`;
    const RETENTION = (scope: string) => `
      WITH f AS (
        SELECT n.client_id, min(${DAY('n.started_at')}) AS day
        FROM session_note n JOIN client c ON c.id = n.client_id
        WHERE ${scope} AND n.organization_id = :scopeOrgId AND ${SESSION('n')}
          AND n.started_at >= ${FROM} AND n.started_at < ${AFTER_TO}
        GROUP BY n.client_id
      ), cohort AS (
        SELECT f.client_id, f.day FROM f
        WHERE NOT EXISTS (SELECT 1 FROM session_note p
          WHERE p.client_id = f.client_id AND ${SESSION('p')} AND p.started_at < ${FROM})
      ), hit AS MATERIALIZED (
        SELECT m.days, co.client_id, EXISTS (SELECT 1 FROM session_note x
          WHERE x.client_id = co.client_id AND ${SESSION('x')}
            AND x.started_at >= ${START('co.day + m.days - 29')} AND x.started_at < ${START('co.day + m.days + 1')}) AS active
        FROM (VALUES (30), (90), (180)) m(days)
        LEFT JOIN cohort co ON co.day + m.days < ${TODAY}
      )
      SELECT days, (SELECT count(*)::int FROM cohort) AS cohort, count(client_id)::int AS eligible,
        count(client_id) FILTER (WHERE active)::int AS active,
        round((count(client_id) FILTER (WHERE active))::numeric / nullif(count(client_id), 0), 4)::float8 AS rate
      FROM hit GROUP BY days ORDER BY days`;
    const DEFINITIONS = {
      engagement: ENGAGEMENT,
      'recovery-capital': RECOVERY_CAPITAL,
      retention: RETENTION,
    };

    const definition = async (
      report: keyof typeof DEFINITIONS,
      user: TestUser,
      from: string,
      to: string,
    ): Promise<Record<string, unknown>> => {
      const principal: UserPrincipal = { kind: 'user', sessionId: 'x', ...user };
      const scope = clientScope(principal, 'c');
      const [text, values] = t.dataSource.driver.escapeQueryWithParameters(
        DEFINITIONS[report](scope.sql),
        { ...scope.params, from, to },
        {},
      );
      const rows: Record<string, unknown>[] = await t.dataSource.query(text, values);
      if (report !== 'retention') return rows[0];
      // As the service answers it: the cohort once, then one item per day N.
      return {
        cohort: rows[0].cohort,
        items: rows.map(({ cohort: _c, ...item }) => item),
      };
    };

    // A small deterministic random history (mulberry32).
    let seed = 20261203;
    const random = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const DAY_MS = 86_400_000;
    const START_MS = Date.parse('2024-01-01T00:00:00Z');
    // Retention's day N must have passed: a fifth of the clients' records are of the last 250
    // days (days 30, 90 and 180 of some first sessions still ahead).
    const TODAY_MS = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    let recent = false;
    /**
     * An instant in 2024-2025 (or the last 250 days for a recent client), a fifth of them on a
     * UTC midnight or the millisecond before.
     */
    const instant = (): Date => {
      const day = recent
        ? TODAY_MS - Math.floor(random() * 250) * DAY_MS
        : START_MS + Math.floor(random() * 730) * DAY_MS;
      const r = random();
      if (r < 0.1) return new Date(day);
      if (r < 0.2) return new Date(day - 1);
      return new Date(day + Math.floor(random() * DAY_MS));
    };
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

    beforeAll(async () => {
      const owners = [org.peerA1.id, org.peerA2.id, org.peerB1.id, null];
      for (let i = 0; i < 40; i++) {
        const c = await createClient(t.dataSource, {
          organizationId: org.id,
          specialistId: pick(owners),
        });
        if (i === 39)
          await t.dataSource.query(`UPDATE client SET deleted_at = now() WHERE id = $1`, [c]);
        recent = i % 5 === 4;
        const notes = Math.floor(random() * 16);
        const times: Date[] = [];
        for (let n = 0; n < notes; n++) {
          // A later note sometimes on the same UTC day as an earlier one.
          const at =
            times.length && random() < 0.15 ? new Date(times[0].getTime() + 3_600_000) : instant();
          times.push(at);
          await note(c, at.toISOString(), {
            status: pick(['draft', 'signed', 'signed', 'reviewed', 'reviewed']),
            contactType: pick([
              'in_person',
              'phone',
              'video',
              'text',
              'outreach_attempt',
              'collateral',
            ]),
          });
        }
        for (let d = Math.floor(random() * 3); d > 0; d--) {
          // Sometimes the very day of a note, before or after it.
          const at =
            times.length && random() < 0.3 ? new Date(times[0].getTime() - 60_000) : instant();
          await insertDischarge(t.dataSource, {
            organizationId: org.id,
            clientId: c,
            levelOfCare: 'inpatient',
            dischargedAt: at,
          });
        }
        const tie = instant();
        for (let a = Math.floor(random() * 5); a > 0; a--) {
          const total = 10 + Math.floor(random() * 51);
          const answers = Array.from({ length: 10 }, (_, k) =>
            Math.min(6, Math.max(1, Math.floor(total / 10) + (k < total % 10 ? 1 : 0))),
          );
          await t.dataSource.query(
            `INSERT INTO assessment (organization_id, client_id, instrument, answers, total, administered_at)
             VALUES ($1, $2, 'BARC-10', $3, $4, $5)`,
            // A third at one shared instant: first and latest are then told apart by id.
            [
              org.id,
              c,
              answers,
              answers.reduce((x, y) => x + y, 0),
              random() < 0.33 ? tie : instant(),
            ],
          );
        }
      }
    });

    beforeAll(async () => {
      // Retention's edges of today: first sessions exactly N and N + 1 days ago (day N is today,
      // not passed; or yesterday, passed), each with a session on day N (its window's last day,
      // a minute after midnight).
      for (const n of [30, 90, 180]) {
        for (const ago of [n, n + 1]) {
          const c = await client();
          await note(c, new Date(TODAY_MS - ago * DAY_MS + 3_600_000).toISOString());
          await note(c, new Date(TODAY_MS - (ago - n) * DAY_MS + 60_000).toISOString());
        }
      }
    });

    const periods: [string, string][] = [
      ['2024-01-01', '2025-12-31'],
      ['2025-01-01', '2025-03-31'],
      ['2024-02-29', '2024-02-29'],
      ['2024-12-31', '2025-01-01'],
      ['2023-01-01', '2023-12-31'], // before every record
      [iso(TODAY_MS - 250 * DAY_MS), iso(TODAY_MS)],
      [iso(TODAY_MS - 120 * DAY_MS), iso(TODAY_MS - 30 * DAY_MS)],
      [iso(TODAY_MS - 200 * DAY_MS), iso(TODAY_MS - 150 * DAY_MS)],
    ];
    for (let i = 0; i < 17; i++) {
      const a = START_MS + Math.floor(random() * 760) * DAY_MS - 15 * DAY_MS;
      periods.push([iso(a), iso(a + Math.floor(random() * 400) * DAY_MS)]);
    }

    it.each(Object.keys(DEFINITIONS) as (keyof typeof DEFINITIONS)[])(
      'should answer %s exactly as its definition, for 25 periods, as admin and as a supervisor',
      async (report) => {
        let nonEmpty = 0;
        for (const user of [org.admin, org.supervisorA]) {
          for (const [from, to] of periods) {
            const res = await http()
              .get(`/api/v1/reports/${report}?from=${from}&to=${to}`)
              .auth(user.token, bearer)
              .expect(200);
            const expected = await definition(report, user, from, to);
            const { from: _f, to: _t, remissionThreshold: _r, ...figures } = res.body;
            const counts = JSON.stringify(expected).match(
              /"(cohort|eligible|clients\w*|sessions|discharges|excluded\w+)":[1-9]/,
            );
            expect({ from, to, who: user.role, ...figures }).toEqual({
              from,
              to,
              who: user.role,
              ...expected,
            });
            if (counts) nonEmpty++;
          }
        }
        expect(nonEmpty).toBeGreaterThan(25); // the periods do hold data
      },
    );

    it.each(Object.keys(DEFINITIONS))(
      'should ask Postgres one statement for %s',
      async (report) => {
        const sent = await captureStatements(() =>
          http()
            .get(`/api/v1/reports/${report}?from=2024-01-01&to=2025-12-31`)
            .auth(org.admin.token, bearer)
            .expect(200),
        );
        // The statements that read the reports' tables: the report's one.
        const reads = sent.filter((s) =>
          /\b(session_note|client_session_days|assessment|discharge)\b/.test(s.text),
        );
        expect(reads).toHaveLength(1);
      },
    );
  });
});
