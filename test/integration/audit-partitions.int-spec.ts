import request from 'supertest';
import { DataSource } from 'typeorm';

import { Config, loadConfig } from '../../src/config/configuration';
import { createDataSource } from '../../src/database/data-source';
import {
  AUDIT_MONTHS_AHEAD,
  AuditPartitionsWorker,
} from '../../src/modules/audit/audit-partitions.worker';
import { AuditRepository } from '../../src/modules/audit/audit.repository';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createTestOrg, TestOrg } from '../factories/people.factory';

/** `audit_event` partitioned by month (issue 17 point 6): placement, privileges, retention, verify. */
describe('audit trail: monthly partitions and retention', () => {
  let t: TestApp;
  let owner: DataSource;
  let worker: AuditPartitionsWorker;
  const http = () => request(t.app.getHttpServer());
  const bearer = { type: 'bearer' as const };
  const monthName = (d: Date) =>
    `audit_event_y${d.getUTCFullYear()}m${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

  beforeAll(async () => {
    t = await createTestApp();
    owner = createDataSource(loadConfig().db); // the migration owner
    await owner.initialize();
    // The worker's own code, on the application role's connection.
    worker = new AuditPartitionsWorker(new AuditRepository(t.dataSource, t.dataSource), {
      ...loadConfig(),
      audit: { retentionMonths: 72 },
    } as Config);
  });
  afterAll(async () => {
    await owner.destroy();
    await t.close();
  });

  const partitions = async (): Promise<string[]> =>
    (
      await owner.query(
        `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'audit_event'::regclass ORDER BY 1`,
      )
    ).map((r: { relname: string }) => r.relname);

  /** Events of an organization at given instants, written as the owner (history). */
  const backdate = (org: string, at: string, n: number) =>
    owner.query(
      `INSERT INTO audit_event (organization_id, actor_type, action, outcome, occurred_at)
       SELECT $1, 'system', 'test.history', 'success', $2::timestamptz + make_interval(secs => g)
       FROM generate_series(1, $3) g`,
      [org, at, n],
    );

  /** A partition for a past month, as the owner (a trail that started years ago). */
  const createMonth = (first: Date) => {
    const next = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1));
    return owner.query(
      `CREATE TABLE ${monthName(first)} PARTITION OF audit_event
       FOR VALUES FROM ('${first.toISOString()}') TO ('${next.toISOString()}')`,
    );
  };

  const verify = (org: TestOrg, qs = '') =>
    http().get(`/api/v1/audit-events/verify${qs}`).auth(org.admin.token, bearer).expect(200);

  it('should keep this month and the coming ones as partitions, and put each event in its month', async () => {
    const org = await createTestOrg(t.app);
    await http()
      .post('/api/v1/teams')
      .auth(org.admin.token, bearer)
      .send({ name: 'Now' })
      .expect(201);
    expect(await worker.ensureAhead()).toBe(0); // the migration made them already
    const now = new Date();
    const expected = [0, 1, 2, 3].map((k) =>
      monthName(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + k, 1))),
    );
    expect(AUDIT_MONTHS_AHEAD).toBe(3);
    expect(await partitions()).toEqual(
      expect.arrayContaining([...expected, 'audit_event_default']),
    );
    const [row] = await t.dataSource.query(
      `SELECT tableoid::regclass::text AS part FROM audit_event WHERE organization_id = $1 LIMIT 1`,
      [org.id],
    );
    expect(row.part).toBe(expected[0]);
  });

  it('should not let the application role change or remove events through a partition', async () => {
    const part = monthName(new Date());
    await expect(t.dataSource.query(`DELETE FROM ${part}`)).rejects.toThrow(/permission denied/);
    await expect(t.dataSource.query(`UPDATE ${part} SET action = 'x'`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(t.dataSource.query(`TRUNCATE ${part}`)).rejects.toThrow(/permission denied/);
    await expect(t.dataSource.query(`DELETE FROM audit_event_default`)).rejects.toThrow(
      /permission denied/,
    );
    // The owner is held by the row triggers, on every partition (this month's holds events).
    const [{ n }] = await owner.query(`SELECT count(*)::int AS n FROM ${part}`);
    expect(n).toBeGreaterThan(0);
    await expect(owner.query(`DELETE FROM ${part}`)).rejects.toThrow(/append-only/);
    // Partition upkeep is the owner's, reached only through the two functions.
    await expect(
      t.dataSource.query(
        `CREATE TABLE audit_event_y2001m01 PARTITION OF audit_event
         FOR VALUES FROM ('2001-01-01') TO ('2001-02-01')`,
      ),
    ).rejects.toThrow(/must be owner|permission denied/);
  });

  it('should create months further ahead once, concurrently too, leaving a month that already sits in the default partition', async () => {
    const before = await partitions();
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map(() =>
        t.dataSource.query(`SELECT audit_event_ensure_partitions(6) AS created`),
      ),
    );
    const created = results.map(([r]) => r.created as number);
    expect(created.reduce((a, b) => a + b, 0)).toBe(3); // months 4, 5 and 6 ahead, once each
    expect((await partitions()).length).toBe(before.length + 3);
    // An event already in the DEFAULT partition for month 9 ahead keeps that month out.
    const now = new Date();
    const ninth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 9, 15));
    const org = await createTestOrg(t.app);
    await backdate(org.id, ninth.toISOString(), 1);
    const [{ created: later }] = await t.dataSource.query(
      `SELECT audit_event_ensure_partitions(12) AS created`,
    );
    expect(later).toBe(5); // months 7, 8, 10, 11 and 12 ahead
    expect(await partitions()).not.toContain(monthName(ninth));
    const [row] = await t.dataSource.query(
      `SELECT tableoid::regclass::text AS part FROM audit_event
       WHERE organization_id = $1 AND action = 'test.history'`,
      [org.id],
    );
    expect(row.part).toBe('audit_event_default');
  });

  it('should retire months older than the retention after recording their last links, and keep the chain verifiable and growing', async () => {
    const org = await createTestOrg(t.app);
    const oldMonth = new Date(Date.UTC(new Date().getUTCFullYear() - 7, 0, 1));
    const oldPart = monthName(oldMonth);
    await createMonth(oldMonth);
    await backdate(org.id, oldMonth.toISOString(), 20);
    const sealed = (await verify(org)).body;
    expect(sealed).toEqual(expect.objectContaining({ valid: true }));
    const [last] = await owner.query(
      `SELECT seq::int, encode(hash, 'hex') AS hash FROM ${oldPart}
       WHERE organization_id = $1 ORDER BY seq DESC LIMIT 1`,
      [org.id],
    );
    expect(last.seq).toBe(20); // the history came first in the chain

    expect(await worker.retire()).toBe(1);
    expect(await partitions()).not.toContain(oldPart);
    const [anchor] = await owner.query(
      `SELECT seq::int, encode(hash, 'hex') AS hash, partition_name FROM audit_chain_anchor
       WHERE organization_id = $1`,
      [org.id],
    );
    expect(anchor).toEqual({ seq: 20, hash: last.hash, partition_name: oldPart });
    expect(await worker.retire()).toBe(0); // nothing else is that old

    // The chain verifies from the anchor on, and new events link to what remains.
    const after = (await verify(org)).body;
    expect(after).toEqual(
      expect.objectContaining({ valid: true, firstBrokenId: null, checked: sealed.checked - 20 }),
    );
    await http().post('/api/v1/teams').auth(org.admin.token, bearer).send({ name: 'After' });
    const grown = (await verify(org)).body;
    expect(grown).toEqual(expect.objectContaining({ valid: true, checked: after.checked + 1 }));
    expect(grown.head.seq).toBe(sealed.head.seq + 1);
  });

  it('should continue a chain whose every event was retired from its anchor', async () => {
    const org = await createTestOrg(t.app);
    const oldMonth = new Date(Date.UTC(new Date().getUTCFullYear() - 8, 5, 1));
    await createMonth(oldMonth);
    // This organization's only events are old ones (its set-up events are removed).
    await owner.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(`DELETE FROM audit_event WHERE organization_id = $1`, [org.id]);
    });
    await backdate(org.id, oldMonth.toISOString(), 5);
    await t.dataSource.query(`SELECT audit_event_seal($1, 1000)`, [org.id]);
    expect(await worker.retire()).toBe(1);
    expect(await partitions()).not.toContain(monthName(oldMonth));
    const [{ n }] = await owner.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE organization_id = $1`,
      [org.id],
    );
    expect(n).toBe(0);
    await http().post('/api/v1/teams').auth(org.admin.token, bearer).send({ name: 'Next' });
    const res = (await verify(org)).body;
    expect(res).toEqual(expect.objectContaining({ valid: true, checked: expect.any(Number) }));
    const [first] = await owner.query(
      `SELECT seq::int, prev_hash = (SELECT hash FROM audit_chain_anchor WHERE organization_id = $1) AS linked
       FROM audit_event WHERE organization_id = $1 ORDER BY seq LIMIT 1`,
      [org.id],
    );
    expect(first).toEqual({ seq: 6, linked: true });
  });

  it('should verify a time window only, linked to the event before it, and find a break inside it', async () => {
    const org = await createTestOrg(t.app);
    await backdate(org.id, '2026-02-01T00:00:00Z', 10); // February
    await backdate(org.id, '2026-03-01T00:00:00Z', 10); // March
    await t.dataSource.query(`SELECT audit_event_seal($1, 1000)`, [org.id]);
    const march = (await verify(org, '?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z')).body;
    expect(march).toEqual(expect.objectContaining({ valid: true, checked: 10 }));
    expect(march.head.seq).toBe(20);
    // Tamper with February: March alone still verifies (its first link holds), the whole does not.
    const [feb] = await owner.query(
      `SELECT id FROM audit_event WHERE organization_id = $1 AND seq = 5`,
      [org.id],
    );
    await owner.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(`UPDATE audit_event SET outcome = 'failure' WHERE id = $1`, [feb.id]);
    });
    expect(
      (await verify(org, '?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z')).body.valid,
    ).toBe(true);
    expect((await verify(org)).body).toEqual(
      expect.objectContaining({ valid: false, firstBrokenId: feb.id }),
    );
    expect((await verify(org, '?from=2026-02-01T00:00:00Z&to=2026-03-01T00:00:00Z')).body).toEqual(
      expect.objectContaining({ valid: false, firstBrokenId: feb.id, checked: 10 }),
    );
    // Replacing the last February event's hash breaks March's first link.
    const [lastFeb] = await owner.query(
      `SELECT id FROM audit_event WHERE organization_id = $1 AND seq = 10`,
      [org.id],
    );
    await owner.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(`UPDATE audit_event SET hash = sha256('x') WHERE id = $1`, [lastFeb.id]);
    });
    const [firstMarch] = await owner.query(
      `SELECT id FROM audit_event WHERE organization_id = $1 AND seq = 11`,
      [org.id],
    );
    expect((await verify(org, '?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z')).body).toEqual(
      expect.objectContaining({ valid: false, firstBrokenId: firstMarch.id }),
    );
    // A window with no events checks nothing and is valid.
    expect((await verify(org, '?from=2030-01-01T00:00:00Z')).body).toEqual(
      expect.objectContaining({ valid: true, checked: 0, head: null }),
    );
  });
});
