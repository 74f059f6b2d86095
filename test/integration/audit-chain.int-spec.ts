import request from 'supertest';
import { DataSource } from 'typeorm';

import { Role } from '../../src/auth/permissions';
import { loadConfig } from '../../src/config/configuration';
import { createDataSource } from '../../src/database/data-source';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createClient } from '../factories/client.factory';
import { createTestOrg, createUser, TestOrg, TestUser } from '../factories/people.factory';

describe('audit trail: append-only and hash-chained', () => {
  let t: TestApp;
  let org: TestOrg;
  let owner: DataSource;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    owner = createDataSource(loadConfig().db); // the migration owner (a superuser here)
    await owner.initialize();
    for (let i = 0; i < 3; i++) {
      await http()
        .post('/api/v1/teams')
        .auth(org.admin.token, { type: 'bearer' })
        .send({ name: `Team ${i}` })
        .expect(201);
    }
  });
  afterAll(async () => {
    await owner.destroy();
    await t.close();
  });

  const verify = () =>
    http().get('/api/v1/audit-events/verify').auth(org.admin.token, { type: 'bearer' });

  it('should verify an untouched chain', async () => {
    const res = await verify().expect(200);
    expect(res.body).toEqual({
      valid: true,
      checked: expect.any(Number),
      firstBrokenId: null,
      head: { seq: res.body.checked, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      anchorFound: null,
    });
    expect(res.body.checked).toBeGreaterThanOrEqual(3);
  });

  it('should refuse UPDATE, DELETE and TRUNCATE to the application role', async () => {
    // t.dataSource connects as the application role (recovery_bridge_app).
    const [{ current_user }] = await t.dataSource.query('SELECT current_user');
    expect(current_user).toBe('recovery_bridge_app');
    await expect(
      t.dataSource.query(`UPDATE audit_event SET action = 'x' WHERE organization_id = $1`, [
        org.id,
      ]),
    ).rejects.toThrow(/permission denied/);
    await expect(
      t.dataSource.query(`DELETE FROM audit_event WHERE organization_id = $1`, [org.id]),
    ).rejects.toThrow(/permission denied/);
    await expect(t.dataSource.query(`TRUNCATE audit_event`)).rejects.toThrow(/permission denied/);
  });

  it('should log in as the application role, which no session command turns back into the owner', async () => {
    await t.dataSource.transaction(async (m) => {
      const [who] = await m.query('SELECT session_user, current_user');
      expect(who).toEqual({
        session_user: 'recovery_bridge_app',
        current_user: 'recovery_bridge_app',
      });
      await m.query('RESET ROLE'); // undid a SET ROLE; a login role stays itself
      await expect(
        m.query(`DELETE FROM audit_event WHERE organization_id = $1`, [org.id]),
      ).rejects.toThrow(/permission denied/);
    });
    const [{ owner: ownerName }] = await owner.query('SELECT current_user AS owner');
    await expect(t.dataSource.query(`SET ROLE "${ownerName}"`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(t.dataSource.query(`SET session_replication_role = replica`)).rejects.toThrow(
      /permission denied/,
    );
  });

  it('should seal pending events into the chain, once', async () => {
    await http()
      .post('/api/v1/teams')
      .auth(org.admin.token, { type: 'bearer' })
      .send({ name: 'Team sealed' })
      .expect(201);
    const [pending] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE organization_id = $1 AND seq IS NULL`,
      [org.id],
    );
    expect(pending.n).toBeGreaterThan(0);
    await verify().expect(200);
    const rows = await t.dataSource.query(
      `SELECT seq::int, prev_hash IS NULL AS first FROM audit_event WHERE organization_id = $1 ORDER BY seq`,
      [org.id],
    );
    expect(rows.map((r: { seq: number }) => r.seq)).toEqual(
      rows.map((_: unknown, i: number) => i + 1),
    );
    expect(rows[0].first).toBe(true);
    // A sealed event cannot be sealed again, not even through the sealing path's column rule.
    await expect(
      owner.query(`UPDATE audit_event SET seq = seq + 1000 WHERE organization_id = $1`, [org.id]),
    ).rejects.toThrow(/append-only/);
  });

  it('should refuse changes even to the owner, through the triggers', async () => {
    await expect(
      owner.query(`UPDATE audit_event SET action = 'x' WHERE organization_id = $1`, [org.id]),
    ).rejects.toThrow(/append-only/);
    await expect(
      owner.query(`DELETE FROM audit_event WHERE organization_id = $1`, [org.id]),
    ).rejects.toThrow(/append-only/);
  });

  it('should report the first broken link when a row is tampered with behind the triggers', async () => {
    await verify().expect(200); // seals every pending event
    const events: { id: string }[] = await owner.query(
      `SELECT id FROM audit_event WHERE organization_id = $1 ORDER BY seq`,
      [org.id],
    );
    const victim = events[1];
    await owner.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`); // bypasses the triggers
      await m.query(`UPDATE audit_event SET outcome = 'failure' WHERE id = $1`, [victim.id]);
    });
    const res = await verify().expect(200);
    expect(res.body).toEqual(
      expect.objectContaining({ valid: false, checked: events.length, firstBrokenId: victim.id }),
    );
    // Other organizations' chains are unaffected.
    const other = await createTestOrg(t.app);
    const otherRes = await http()
      .get('/api/v1/audit-events/verify')
      .auth(other.admin.token, { type: 'bearer' })
      .expect(200);
    expect(otherRes.body.valid).toBe(true);
  });

  it('should find a truncated tail against a head recorded earlier, which no link can show', async () => {
    const fresh = await createTestOrg(t.app);
    const verifyFresh = (qs = '') =>
      http().get(`/api/v1/audit-events/verify${qs}`).auth(fresh.admin.token, { type: 'bearer' });
    for (let i = 0; i < 3; i++) {
      await http()
        .post('/api/v1/teams')
        .auth(fresh.admin.token, { type: 'bearer' })
        .send({ name: `T${i}` })
        .expect(201);
    }
    const { head } = (await verifyFresh().expect(200)).body;
    const anchor = `?anchorSeq=${head.seq}&anchorHash=${head.hash}`;
    expect((await verifyFresh(anchor).expect(200)).body).toEqual(
      expect.objectContaining({ valid: true, anchorFound: true }),
    );
    // Cut the last two events off, behind the triggers.
    await owner.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(`DELETE FROM audit_event WHERE organization_id = $1 AND seq > $2`, [
        fresh.id,
        head.seq - 2,
      ]);
    });
    const unanchored = (await verifyFresh().expect(200)).body;
    expect(unanchored).toEqual(expect.objectContaining({ valid: true, firstBrokenId: null }));
    expect(unanchored.head.seq).toBeLessThan(head.seq);
    expect((await verifyFresh(anchor).expect(200)).body).toEqual(
      expect.objectContaining({ valid: false, firstBrokenId: null, anchorFound: false }),
    );
    const bad = await verifyFresh(`?anchorSeq=${head.seq}`).expect(400);
    expect(bad.body.errors).toEqual([
      { field: 'anchorHash', message: 'anchorHash must be 64 lowercase hex digits' },
    ]);
  });

  it('should let an admin filter events and a supervisor see only their teams', async () => {
    await http().get('/api/v1/users').auth(org.supervisorB.token, { type: 'bearer' }).expect(403);
    await http().get('/api/v1/users').auth(org.peerA1.token, { type: 'bearer' }).expect(403);
    const all = await http()
      .get(`/api/v1/audit-events?outcome=denied`)
      .auth(org.admin.token, { type: 'bearer' })
      .expect(200);
    expect(all.body.items.map((e: { actorId: string }) => e.actorId).sort()).toEqual(
      [org.peerA1.id, org.supervisorB.id].sort(),
    );
    const teamA = await http()
      .get(`/api/v1/audit-events?outcome=denied`)
      .auth(org.supervisorA.token, { type: 'bearer' })
      .expect(200);
    expect(teamA.body.items).toEqual([
      expect.objectContaining({
        actorId: org.peerA1.id,
        actorRole: 'peer_specialist',
        action: 'user.read',
        outcome: 'denied',
        correlationId: expect.any(String),
      }),
    ]);
    await http().get('/api/v1/audit-events').auth(org.peerA1.token, { type: 'bearer' }).expect(403);
    await http()
      .get('/api/v1/audit-events/verify')
      .auth(org.supervisorA.token, { type: 'bearer' })
      .expect(403);
  });

  it("should not show a supervisor a co-supervisor's events: their teams are the specialists they supervise (SPEC 9)", async () => {
    const fresh = await createTestOrg(t.app);
    const coSupervisor = await createUser(t.app, fresh.id, Role.Supervisor, [fresh.teamA]);
    const bearer = { type: 'bearer' as const };
    // Each leaves one audited denial (users are an admin's).
    for (const u of [
      fresh.supervisorA,
      coSupervisor,
      fresh.peerA1,
      fresh.peerB1,
      fresh.supervisorB,
    ])
      await http().get('/api/v1/users').auth(u.token, bearer).expect(403);
    const actorsSeenBy = async (u: TestUser, qs = '') =>
      new Set(
        (
          await http()
            .get(`/api/v1/audit-events?limit=100&outcome=denied${qs}`)
            .auth(u.token, bearer)
            .expect(200)
        ).body.items.map((e: { actorId: string }) => e.actorId),
      );
    expect(await actorsSeenBy(fresh.supervisorA)).toEqual(
      new Set([fresh.supervisorA.id, fresh.peerA1.id]),
    );
    expect(await actorsSeenBy(coSupervisor)).toEqual(new Set([coSupervisor.id, fresh.peerA1.id]));
    expect(await actorsSeenBy(fresh.supervisorA, `&actorId=${coSupervisor.id}`)).toEqual(new Set());
    expect(await actorsSeenBy(coSupervisor, `&actorId=${fresh.supervisorA.id}`)).toEqual(new Set());
    // The admin still reads the whole organization.
    expect(await actorsSeenBy(fresh.admin)).toEqual(
      new Set([
        fresh.supervisorA.id,
        coSupervisor.id,
        fresh.peerA1.id,
        fresh.peerB1.id,
        fresh.supervisorB.id,
      ]),
    );
  });
  it('should record a list read as one event naming every client shown, chained and searchable by client', async () => {
    const fresh = await createTestOrg(t.app);
    const bearer = { type: 'bearer' as const };
    const shown = await Promise.all(
      [1, 2, 3].map(() =>
        createClient(t.dataSource, { organizationId: fresh.id, specialistId: fresh.peerA1.id }),
      ),
    );
    await http().get('/api/v1/clients?limit=100').auth(fresh.peerA1.token, bearer).expect(200);
    const [event] = await t.dataSource.query(
      `SELECT id, client_id, client_ids FROM audit_event WHERE actor_id = $1 AND action = 'client.list'`,
      [fresh.peerA1.id],
    );
    expect(event.client_id).toBeNull();
    expect([...event.client_ids].sort()).toEqual([...shown].sort());
    // Each client shown is found as accessed by the audit search, through the array.
    for (const clientId of shown) {
      const res = await http()
        .get(`/api/v1/audit-events?clientId=${clientId}`)
        .auth(fresh.admin.token, bearer)
        .expect(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({ id: event.id, clientId: null, clientIds: event.client_ids }),
      ]);
    }
    // The array is part of the hash: the chain verifies, and an edited array breaks its link.
    const verifyFresh = () =>
      http().get('/api/v1/audit-events/verify').auth(fresh.admin.token, bearer).expect(200);
    expect((await verifyFresh()).body).toEqual(expect.objectContaining({ valid: true }));
    await owner.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`); // bypasses the triggers
      await m.query(`UPDATE audit_event SET client_ids = client_ids[1:2] WHERE id = $1`, [
        event.id,
      ]);
    });
    expect((await verifyFresh()).body).toEqual(
      expect.objectContaining({ valid: false, firstBrokenId: event.id }),
    );
  });

  it('should seal a batch larger than one round in order, every link valid', async () => {
    const fresh = await createTestOrg(t.app);
    // 12,000 pending events: more than one sealing batch (5,000), written in one statement.
    await owner.query(
      `INSERT INTO audit_event (organization_id, actor_type, action, outcome, occurred_at)
       SELECT $1, 'system', 'test.bulk', 'success', now() - make_interval(secs => 12000 - g)
       FROM generate_series(1, 12000) g`,
      [fresh.id],
    );
    const res = await http()
      .get('/api/v1/audit-events/verify')
      .auth(fresh.admin.token, { type: 'bearer' })
      .expect(200);
    expect(res.body).toEqual(
      expect.objectContaining({ valid: true, firstBrokenId: null, checked: expect.any(Number) }),
    );
    expect(res.body.checked).toBeGreaterThanOrEqual(12000);
    const [gaps] = await t.dataSource.query(
      `SELECT count(*) FILTER (WHERE seq IS NULL AND action = 'test.bulk')::int AS unsealed,
         max(seq)::int AS head, count(DISTINCT seq)::int AS seqs
       FROM audit_event WHERE organization_id = $1`,
      [fresh.id],
    );
    expect(gaps.unsealed).toBe(0);
    expect(gaps.head).toBe(gaps.seqs);
    expect(res.body.head.seq).toBe(gaps.head);
  });
});
