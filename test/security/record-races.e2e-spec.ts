import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createClient } from '../factories/client.factory';
import { dischargeBody } from '../factories/discharge.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { createPlan } from '../factories/recovery-plan.factory';
import { bearer } from '../helpers/http';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

/**
 * Every "check, then write" rule of the case record under a burst of 50 parallel requests: the
 * check must be atomic with the write (a lock, a unique key, an atomic counter), or the burst
 * gets through it.
 */
describe('case-record races (security e2e)', () => {
  const BURST = 50;
  let t: TestApp;
  let org: TestOrg;
  const http = () => request(t.app.getHttpServer());
  const burst = <T>(make: (i: number) => Promise<T>): Promise<T[]> =>
    Promise.all(Array.from({ length: BURST }, (_, i) => make(i)));
  const count = async (sql: string, params: unknown[]): Promise<number> => {
    const [row] = await t.dataSource.query(sql, params);
    return row.n;
  };
  const tally = (results: request.Response[]) =>
    results.reduce<Record<number, number>>((acc, r) => {
      acc[r.status] = (acc[r.status] ?? 0) + 1;
      return acc;
    }, {});
  const capOf = (userId: string, cap: number) =>
    t.dataSource.query(
      `INSERT INTO specialist_profile (user_id, organization_id, caseload_cap) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET caseload_cap = $3`,
      [userId, org.id, cap],
    );
  const activeCaseload = (userId: string) =>
    count(
      `SELECT count(*)::int AS n FROM client
        WHERE primary_specialist_id = $1 AND status <> 'closed' AND deleted_at IS NULL`,
      [userId],
    );
  const capExceeded = problem(
    422,
    'CASELOAD_CAP_EXCEEDED',
    'The specialist’s caseload is at its cap; a supervisor’s override is required.',
  );

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
  });
  afterAll(() => t.close());

  describe('the caseload cap', () => {
    it('should take exactly the last place when a supervisor assigns 50 clients at once', async () => {
      const o = await createTestOrg(t.app);
      await t.dataSource.query(
        `INSERT INTO specialist_profile (user_id, organization_id, caseload_cap) VALUES ($1, $2, 3)`,
        [o.peerA2.id, o.id],
      );
      for (let i = 0; i < 2; i++) {
        await createClient(t.dataSource, { organizationId: o.id, specialistId: o.peerA2.id });
      }
      const queue = await burst(() => createClient(t.dataSource, { organizationId: o.id }));
      const results = await burst((i) =>
        http()
          .post(`/api/v1/clients/${queue[i]}/assignments`)
          .auth(o.supervisorA.token, bearer)
          .send({ specialistId: o.peerA2.id }),
      );
      expect(tally(results)).toEqual({ 201: 1, 422: BURST - 1 });
      for (const r of results.filter((x) => x.status === 422)) expect(r.body).toEqual(capExceeded);
      expect(await activeCaseload(o.peerA2.id)).toBe(3);
      expect(
        await count(
          `SELECT count(*)::int AS n FROM client_assignment
            WHERE specialist_id = $1 AND ended_at IS NULL AND client_id = ANY($2::uuid[])`,
          [o.peerA2.id, queue],
        ),
      ).toBe(1);
    });

    it('should hold a peer creating 50 clients at once to the places left', async () => {
      await capOf(org.peerA1.id, 5);
      await createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerA1.id });
      const results = await burst(() =>
        http()
          .post('/api/v1/clients')
          .auth(org.peerA1.token, bearer)
          .send({
            firstName: 'Casey',
            lastName: `Fictional-${randomUUID()}`,
            dateOfBirth: '1991-07-04',
          }),
      );
      expect(tally(results)).toEqual({ 201: 4, 422: BURST - 4 });
      expect(await activeCaseload(org.peerA1.id)).toBe(5);
    });

    it('should reopen exactly as many of 50 closed clients as there are places', async () => {
      const o = await createTestOrg(t.app);
      await t.dataSource.query(
        `INSERT INTO specialist_profile (user_id, organization_id, caseload_cap) VALUES ($1, $2, 2)`,
        [o.peerA1.id, o.id],
      );
      await createClient(t.dataSource, { organizationId: o.id, specialistId: o.peerA1.id });
      const closed = await burst(() =>
        createClient(t.dataSource, {
          organizationId: o.id,
          specialistId: o.peerA1.id,
          status: 'closed',
        }),
      );
      const results = await burst((i) =>
        http()
          .patch(`/api/v1/clients/${closed[i]}`)
          .set('If-Match', '"1"')
          .auth(o.peerA1.token, bearer)
          .send({ status: 'active' }),
      );
      expect(tally(results)).toEqual({ 200: 1, 422: BURST - 1 });
      expect(await activeCaseload(o.peerA1.id)).toBe(2);
    });
  });

  describe('one active recovery plan per client', () => {
    const AGREEMENT = { agreedOn: '2026-01-10', method: 'signed' };

    it('should create exactly one of 50 active plans posted at once', async () => {
      const client = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA2.id,
      });
      const results = await burst((i) =>
        http()
          .post(`/api/v1/clients/${client}/recovery-plans`)
          .auth(org.peerA2.token, bearer)
          .send({ title: `Plan ${i}`, status: 'active', clientAgreement: AGREEMENT }),
      );
      expect(tally(results)).toEqual({ 201: 1, 409: BURST - 1 });
      const winner = results.find((r) => r.status === 201)?.body.id;
      for (const r of results.filter((x) => x.status === 409)) {
        expect(r.body).toEqual({
          ...problem(409, 'ACTIVE_PLAN_EXISTS', 'The client already has an active recovery plan.'),
          activePlanId: winner,
        });
      }
      const plans = await t.dataSource.query(
        `SELECT id, status FROM recovery_plan WHERE client_id = $1`,
        [client],
      );
      expect(plans).toEqual([{ id: winner, status: 'active' }]);
    });

    it('should activate exactly one of 50 drafts activated at once', async () => {
      const clientId = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA2.id,
      });
      const client = { id: clientId, organizationId: org.id };
      const drafts = await burst(() => createPlan(t.dataSource, client, { agreed: true }));
      const results = await burst((i) =>
        http()
          .patch(`/api/v1/recovery-plans/${drafts[i].id}`)
          .set('If-Match', '"1"')
          .auth(org.peerA2.token, bearer)
          .send({ status: 'active' }),
      );
      expect(tally(results)).toEqual({ 200: 1, 409: BURST - 1 });
      expect(
        await count(
          `SELECT count(*)::int AS n FROM recovery_plan WHERE client_id = $1 AND status = 'active'`,
          [clientId],
        ),
      ).toBe(1);
    });
  });

  describe('discharge deduplication', () => {
    const post = (clientId: string, body: Record<string, unknown>) =>
      http()
        .post(`/api/v1/clients/${clientId}/discharges`)
        .auth(org.peerA2.token, bearer)
        .send(body);
    const cadenceOf = async (clientId: string) => ({
      discharges: await count(`SELECT count(*)::int AS n FROM discharge WHERE client_id = $1`, [
        clientId,
      ]),
      tasks: await count(`SELECT count(*)::int AS n FROM follow_up WHERE client_id = $1`, [
        clientId,
      ]),
      jobs: await count(
        `SELECT count(*)::int AS n FROM follow_up_job j JOIN follow_up f ON f.id = j.follow_up_id
          WHERE f.client_id = $1`,
        [clientId],
      ),
    });
    const newClient = () =>
      createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerA2.id });

    it('should record one discharge and one cadence of 50 identical posts without a key', async () => {
      const client = await newClient();
      const body = dischargeBody();
      const results = await burst(() => post(client, body));
      expect(tally(results)).toEqual({ 200: BURST - 1, 201: 1 });
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect(await cadenceOf(client)).toEqual({ discharges: 1, tasks: 8, jobs: 16 });
    });

    it('should record one discharge and one cadence of 50 identical posts with one Idempotency-Key', async () => {
      const client = await newClient();
      const body = dischargeBody();
      const key = randomUUID();
      const results = await burst(() => post(client, body).set('Idempotency-Key', key));
      // The key's owner answers 201; the others wait their turn (409 in flight) or replay it.
      for (const r of results) {
        expect([201, 409]).toContain(r.status);
        if (r.status === 409) expect(r.body.code).toBe('IDEMPOTENCY_IN_FLIGHT');
      }
      const created = results.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
      expect(await cadenceOf(client)).toEqual({ discharges: 1, tasks: 8, jobs: 16 });
    });

    it('should record one discharge and one cadence of 50 identical posts each with its own key', async () => {
      const client = await newClient();
      const body = dischargeBody();
      const results = await burst(() => post(client, body).set('Idempotency-Key', randomUUID()));
      expect(tally(results)).toEqual({ 200: BURST - 1, 201: 1 });
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect(await cadenceOf(client)).toEqual({ discharges: 1, tasks: 8, jobs: 16 });
    });
  });

  describe('client duplicates', () => {
    it('should create one client of 50 identical creations, and tell the rest which one', async () => {
      const o = await createTestOrg(t.app);
      const body = {
        firstName: 'Jordan',
        lastName: `Fictional-${randomUUID()}`,
        dateOfBirth: '1985-11-02',
        identifiers: [{ system: 'urn:test:medicaid', value: `MCD-${randomUUID()}` }],
      };
      const results = await burst(() =>
        http().post('/api/v1/clients').auth(o.peerA1.token, bearer).send(body),
      );
      // One creates; the others match the caller's own new client: told its id, and not counted
      // as probes (they learn nothing they may not read).
      expect(tally(results)).toEqual({ 201: 1, 409: BURST - 1 });
      const [created] = results.filter((r) => r.status === 201);
      for (const r of results.filter((x) => x.status === 409)) {
        expect(r.body.existingClientId).toBe(created.body.id);
      }
      const rows = await t.dataSource.query(
        `SELECT id FROM client WHERE organization_id = $1 AND last_name = $2`,
        [o.id, body.lastName],
      );
      expect(rows).toEqual([{ id: created.body.id }]);
    });

    it('should give one client an identifier that 50 creations of different names claim at once', async () => {
      const o = await createTestOrg(t.app);
      const medicaid = { system: 'urn:test:medicaid', value: `MCD-${randomUUID()}` };
      const peers = [o.peerA1, o.peerA2, o.peerB1, o.supervisorA, o.supervisorB];
      const results = await burst((i) =>
        http()
          .post('/api/v1/clients')
          .auth(peers[i % peers.length].token, bearer)
          .send({
            firstName: 'Sam',
            lastName: `Fictional-${randomUUID()}`,
            dateOfBirth: '1990-05-05',
            identifiers: [medicaid],
          }),
      );
      const statuses = tally(results);
      expect(statuses[201]).toBe(1);
      expect((statuses[409] ?? 0) + (statuses[429] ?? 0)).toBe(BURST - 1);
      expect(
        await count(
          `SELECT count(*)::int AS n FROM client_identifier WHERE organization_id = $1 AND value = $2`,
          [o.id, medicaid.value],
        ),
      ).toBe(1);
      expect(
        await count(`SELECT count(*)::int AS n FROM client WHERE organization_id = $1`, [o.id]),
      ).toBe(1);
    });

    it('should create one client of 50 identical creations by different peers', async () => {
      const o = await createTestOrg(t.app);
      const peers = [o.peerA1, o.peerA2, o.peerB1];
      const body = {
        firstName: 'Riley',
        lastName: `Fictional-${randomUUID()}`,
        dateOfBirth: '1979-02-21',
      };
      const results = await burst((i) =>
        http()
          .post('/api/v1/clients')
          .auth(peers[i % peers.length].token, bearer)
          .send(body),
      );
      const statuses = tally(results);
      expect(statuses[201]).toBe(1);
      expect((statuses[409] ?? 0) + (statuses[429] ?? 0)).toBe(BURST - 1);
      expect(
        await count(
          `SELECT count(*)::int AS n FROM client WHERE organization_id = $1 AND last_name = $2`,
          [o.id, body.lastName],
        ),
      ).toBe(1);
    });
  });
});
