import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createTestApp, TestApp } from '../setup/create-test-app';
import { createClient } from '../factories/client.factory';
import { dischargeBody } from '../factories/discharge.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { problem } from '../helpers/problem';

describe('discharges (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let clientA: string;
  const http = () => request(t.app.getHttpServer());
  const post = (token: string, clientId: string, body: Record<string, unknown>) =>
    http()
      .post(`/api/v1/clients/${clientId}/discharges`)
      .auth(token, { type: 'bearer' })
      .send(body);
  const count = async (sql: string, params: unknown[]): Promise<number> =>
    (await t.dataSource.query(sql, params))[0].n;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    clientA = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
  });
  afterAll(() => t.close());

  describe('POST /api/v1/clients/:id/discharges', () => {
    it('should answer 401 without a token', async () => {
      await http().post(`/api/v1/clients/${clientA}/discharges`).send(dischargeBody()).expect(401);
    });

    it('should answer 403 for an admin (admins configure cadences, not discharges)', async () => {
      const res = await post(org.admin.token, clientA, dischargeBody()).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 404 for another team’s client, identical to a client that does not exist', async () => {
      const outside = await post(org.peerB1.token, clientA, dischargeBody()).expect(404);
      const missing = await post(org.peerB1.token, randomUUID(), dischargeBody()).expect(404);
      expect(outside.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      expect(missing.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      expect(
        await count(`SELECT count(*)::int AS n FROM discharge WHERE client_id = $1`, [clientA]),
      ).toBe(0);
    });

    it('should answer 400 with the exact errors when the body is invalid', async () => {
      const body = dischargeBody({
        facility: '',
        levelOfCare: 'detox',
        admittedAt: 'yesterday',
        planned: 'yes',
        ward: 3,
      });
      const res = await post(org.peerA1.token, clientA, body).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'admittedAt', message: 'admittedAt must be a valid ISO 8601 date string' },
          { field: 'facility', message: 'facility must be longer than or equal to 1 characters' },
          {
            field: 'levelOfCare',
            message:
              'levelOfCare must be one of the following values: withdrawal_management, inpatient, residential, emergency_department, intensive_outpatient, outpatient',
          },
          { field: 'planned', message: 'planned must be a boolean value' },
          { field: 'ward', message: 'property ward should not exist' },
        ]),
      );
    });

    it('should answer 400 when the discharge precedes the admission or lies in the future', async () => {
      const before = dischargeBody({
        admittedAt: new Date().toISOString(),
        dischargedAt: new Date(Date.now() - 3600_000).toISOString(),
      });
      expect((await post(org.peerA1.token, clientA, before).expect(400)).body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'dischargedAt', message: 'dischargedAt must not be before admittedAt' },
        ]),
      );
      const future = dischargeBody({
        dischargedAt: new Date(Date.now() + 86_400_000).toISOString(),
      });
      expect((await post(org.peerA1.token, clientA, future).expect(400)).body.errors).toEqual([
        { field: 'dischargedAt', message: 'dischargedAt must not be in the future' },
      ]);
    });

    it('should record the discharge with its cadence, job bookkeeping and outbox rows in one go', async () => {
      const body = dischargeBody();
      const res = await post(org.peerA1.token, clientA, body).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        clientId: clientA,
        facility: body.facility,
        levelOfCare: 'withdrawal_management',
        admittedAt: body.admittedAt,
        dischargedAt: body.dischargedAt,
        disposition: 'home',
        planned: true,
        source: 'staff',
        createdAt: expect.any(String),
        followUps: expect.any(Array),
      });
      const followUps = res.body.followUps as Record<string, string>[];
      expect(followUps.map((f) => f.label).sort()).toEqual([
        'barc10-day-30',
        'day-14',
        'day-2',
        'day-30',
        'day-60',
        'day-7',
        'day-90',
        'warm-handoff',
      ]);
      for (const f of followUps) {
        expect(f).toMatchObject({
          clientId: clientA,
          dischargeId: res.body.id,
          status: 'requested',
          ownerId: org.peerA1.id,
          attempts: [],
        });
        expect(f.windowStart <= f.dueAt && f.dueAt <= f.windowEnd).toBe(true);
      }
      // FUI: the hand-off window opens the day after the discharge date, never on it.
      const handoff = followUps.find((f) => f.label === 'warm-handoff')!;
      const nextDay = new Date(body.dischargedAt as string);
      nextDay.setUTCHours(24, 0, 0, 0);
      expect(handoff.windowStart).toBe(nextDay.toISOString());
      expect(
        await count(`SELECT count(*)::int AS n FROM follow_up WHERE discharge_id = $1`, [
          res.body.id,
        ]),
      ).toBe(8);
      // Each task: an overdue escalation; a reminder only while its due time is ahead.
      const jobs = await t.dataSource.query(
        `SELECT j.job_name, o.dispatched_at FROM follow_up_job j JOIN follow_up f ON f.id = j.follow_up_id
         JOIN outbox o ON o.job_id = j.job_id WHERE f.discharge_id = $1`,
        [res.body.id],
      );
      expect(
        jobs.filter((j: { job_name: string }) => j.job_name === 'follow-up.escalation'),
      ).toHaveLength(8);
      expect(
        jobs.filter((j: { job_name: string }) => j.job_name === 'follow-up.reminder'),
      ).toHaveLength(8);
      const [audit] = await t.dataSource.query(
        `SELECT action, client_id FROM audit_event WHERE resource_id = $1`,
        [res.body.id],
      );
      expect(audit).toEqual({ action: 'discharge.create', client_id: clientA });
    });

    it('should return the first discharge with 200 and create nothing when the same discharge is posted again', async () => {
      const body = dischargeBody();
      const first = await post(org.peerA1.token, clientA, body).expect(201);
      const outbox = await count(`SELECT count(*)::int AS n FROM outbox`, []);
      const again = await post(org.supervisorA.token, clientA, {
        ...body,
        disposition: 'shelter',
      }).expect(200);
      expect(again.body).toEqual(first.body);
      expect(
        await count(
          `SELECT count(*)::int AS n FROM discharge WHERE client_id = $1 AND facility = $2`,
          [clientA, body.facility],
        ),
      ).toBe(1);
      expect(await count(`SELECT count(*)::int AS n FROM outbox`, [])).toBe(outbox);
    });

    it('should put the tasks in the needs-assignment queue when the client has no primary specialist', async () => {
      const unassigned = await createClient(t.dataSource, { organizationId: org.id });
      const res = await post(
        org.supervisorA.token,
        unassigned,
        dischargeBody({ levelOfCare: 'outpatient' }),
      ).expect(201);
      expect(res.body.followUps.map((f: { ownerId: string | null }) => f.ownerId)).toEqual([
        null,
        null,
        null,
        null,
        null,
      ]);
    });

    it('should answer 422 when the client is closed', async () => {
      const closed = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
        status: 'closed',
      });
      const res = await post(org.peerA1.token, closed, dischargeBody()).expect(422);
      expect(res.body).toEqual(
        problem(
          422,
          'BUSINESS_RULE_VIOLATION',
          'A closed client cannot have a discharge recorded; reopen the client first.',
        ),
      );
    });

    it('should wait for a client being closed concurrently and then refuse the discharge (no open tasks on a closed client)', async () => {
      const closing = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
      });
      const closer = await t.dataSource.createQueryRunner();
      await closer.connect();
      await closer.startTransaction();
      await closer.query(`UPDATE client SET status = 'closed' WHERE id = $1`, [closing]);
      const pending = post(org.peerA1.token, closing, dischargeBody()).then((r) => r);
      await new Promise((r) => setTimeout(r, 300));
      await closer.commitTransaction();
      await closer.release();
      const res = await pending;
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('BUSINESS_RULE_VIOLATION');
      expect(
        await count(`SELECT count(*)::int AS n FROM follow_up WHERE client_id = $1`, [closing]),
      ).toBe(0);
    });

    it('should create one discharge and one set of tasks when 20 identical posts race without a key', async () => {
      const client = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA2.id,
      });
      const body = dischargeBody();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => post(org.peerA2.token, client, body)),
      );
      expect(results.map((r) => r.status).sort()).toEqual([...Array(19).fill(200), 201]);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect(
        await count(`SELECT count(*)::int AS n FROM discharge WHERE client_id = $1`, [client]),
      ).toBe(1);
      expect(
        await count(`SELECT count(*)::int AS n FROM follow_up WHERE client_id = $1`, [client]),
      ).toBe(8);
      expect(
        await count(
          `SELECT count(*)::int AS n FROM follow_up_job j JOIN follow_up f ON f.id = j.follow_up_id WHERE f.client_id = $1`,
          [client],
        ),
      ).toBe(16);
    });

    it('should create one discharge when 20 posts race with one Idempotency-Key', async () => {
      const client = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA2.id,
      });
      const body = dischargeBody();
      const key = randomUUID();
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          post(org.peerA2.token, client, body).set('Idempotency-Key', key),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
      const created = results.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
      expect(
        await count(`SELECT count(*)::int AS n FROM discharge WHERE client_id = $1`, [client]),
      ).toBe(1);
      expect(
        await count(`SELECT count(*)::int AS n FROM follow_up WHERE client_id = $1`, [client]),
      ).toBe(8);
      const replay = await post(org.peerA2.token, client, body)
        .set('Idempotency-Key', key)
        .expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(created[0].body.id);
    });
  });

  describe('readmission and a new discharge', () => {
    const readmission = (over: Record<string, unknown> = {}) => ({
      facility: 'Mercy Inpatient',
      levelOfCare: 'inpatient',
      admittedAt: new Date(Date.now() - 86_400_000).toISOString(),
      ...over,
    });
    const postReadmission = (token: string, clientId: string, body: Record<string, unknown>) =>
      http()
        .post(`/api/v1/clients/${clientId}/readmissions`)
        .auth(token, { type: 'bearer' })
        .send(body);
    const readmissions = (clientId: string) =>
      count(`SELECT count(*)::int AS n FROM readmission WHERE client_id = $1`, [clientId]);

    it('should answer 403 for an admin on a readmission, and record nothing', async () => {
      const res = await postReadmission(org.admin.token, clientA, readmission()).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
      expect(await readmissions(clientA)).toBe(0);
    });

    it('should answer 400 with the exact errors when the readmission body is invalid', async () => {
      const res = await postReadmission(
        org.peerA1.token,
        clientA,
        readmission({ facility: '', levelOfCare: 'detox', admittedAt: 'yesterday', ward: 3 }),
      ).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'admittedAt', message: 'admittedAt must be a valid ISO 8601 date string' },
          { field: 'facility', message: 'facility must be longer than or equal to 1 characters' },
          {
            field: 'levelOfCare',
            message:
              'levelOfCare must be one of the following values: withdrawal_management, inpatient, residential, emergency_department, intensive_outpatient, outpatient',
          },
          { field: 'ward', message: 'property ward should not exist' },
        ]),
      );
      expect(await readmissions(clientA)).toBe(0);
    });

    it('should pause the remaining tasks on readmission, then cancel them when the new discharge arrives', async () => {
      const client = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
      });
      const first = await post(
        org.peerA1.token,
        client,
        dischargeBody({
          dischargedAt: new Date(Date.now() - 10 * 86_400_000).toISOString(),
          admittedAt: new Date(Date.now() - 12 * 86_400_000).toISOString(),
        }),
      ).expect(201);
      await http().post(`/api/v1/clients/${client}/readmissions`).send({}).expect(401);
      await http()
        .post(`/api/v1/clients/${client}/readmissions`)
        .auth(org.peerB1.token, { type: 'bearer' })
        .send({
          facility: 'Mercy Inpatient',
          levelOfCare: 'inpatient',
          admittedAt: new Date().toISOString(),
        })
        .expect(404);
      const admittedAt = new Date(Date.now() - 3 * 86_400_000).toISOString();
      const readmit = await http()
        .post(`/api/v1/clients/${client}/readmissions`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .send({ facility: 'Mercy Inpatient', levelOfCare: 'inpatient', admittedAt })
        .expect(201);
      expect(readmit.body).toEqual({
        id: expect.any(String),
        clientId: client,
        facility: 'Mercy Inpatient',
        levelOfCare: 'inpatient',
        admittedAt,
        pausedFollowUpIds: expect.any(Array),
      });
      expect(readmit.body.pausedFollowUpIds).toHaveLength(8);
      const [stored] = await t.dataSource.query(
        `SELECT organization_id, client_id, facility, level_of_care, admitted_at, created_by_id
           FROM readmission WHERE id = $1`,
        [readmit.body.id],
      );
      expect(stored).toEqual({
        organization_id: org.id,
        client_id: client,
        facility: 'Mercy Inpatient',
        level_of_care: 'inpatient',
        admitted_at: new Date(admittedAt),
        created_by_id: org.peerA1.id,
      });
      const held = await t.dataSource.query(
        `SELECT DISTINCT status, status_reason FROM follow_up WHERE discharge_id = $1`,
        [first.body.id],
      );
      expect(held).toEqual([{ status: 'on-hold', status_reason: 'readmitted' }]);

      const second = await post(
        org.peerA1.token,
        client,
        dischargeBody({
          admittedAt,
          dischargedAt: new Date(Date.now() - 3600_000).toISOString(),
          levelOfCare: 'inpatient',
        }),
      ).expect(201);
      expect(second.body.followUps).toHaveLength(8);
      const old = await t.dataSource.query(
        `SELECT DISTINCT status, status_reason FROM follow_up WHERE discharge_id = $1`,
        [first.body.id],
      );
      expect(old).toEqual([{ status: 'cancelled', status_reason: 'superseded' }]);
    });
  });

  describe('GET/PUT /api/v1/settings/follow-up-cadences/:levelOfCare', () => {
    const url = '/api/v1/settings/follow-up-cadences/residential';
    const steps = [
      { label: 'handoff', kind: 'contact', dueHours: 12, windowStartHours: 0, windowEndHours: 24 },
      {
        label: 'week-1',
        kind: 'contact',
        dueHours: 168,
        windowStartHours: 96,
        windowEndHours: 168,
      },
    ];

    it('should answer 401 without a token and 403 for a supervisor', async () => {
      await http().get(url).expect(401);
      await http().put(url).send({ steps }).expect(401);
      await http()
        .put(url)
        .auth(org.supervisorA.token, { type: 'bearer' })
        .send({ steps })
        .expect(403);
      await http().get(url).auth(org.peerA1.token, { type: 'bearer' }).expect(403);
    });

    it('should return the built-in default when the organization has not customized it', async () => {
      const res = await http()
        .get('/api/v1/settings/follow-up-cadences/outpatient')
        .auth(org.admin.token, { type: 'bearer' })
        .expect(200);
      expect(res.body).toMatchObject({ levelOfCare: 'outpatient', customized: false, version: 0 });
      expect(res.body.steps).toHaveLength(5);
    });

    it('should answer 400 for an unknown level of care and for a due time outside its window', async () => {
      const bad = await http()
        .get('/api/v1/settings/follow-up-cadences/detox')
        .auth(org.admin.token, { type: 'bearer' })
        .expect(400);
      expect(bad.body.errors).toEqual([
        {
          field: 'levelOfCare',
          message:
            'levelOfCare must be one of the following values: withdrawal_management, inpatient, residential, emergency_department, intensive_outpatient, outpatient',
        },
      ]);
      const res = await http()
        .put(url)
        .auth(org.admin.token, { type: 'bearer' })
        .send({ steps: [{ ...steps[0], dueHours: 30 }, steps[0]] })
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'steps.0.dueHours',
            message: 'dueHours must lie within [windowStartHours, windowEndHours]',
          },
          { field: 'steps.1.label', message: 'label must be unique within the cadence' },
        ]),
      );
    });

    it('should apply a customized cadence to discharges recorded afterwards', async () => {
      const put = await http()
        .put(url)
        .auth(org.admin.token, { type: 'bearer' })
        .send({ steps })
        .expect(200);
      expect(put.body).toEqual({ levelOfCare: 'residential', customized: true, steps, version: 1 });
      expect(put.headers.etag).toBe('"1"');
      const res = await post(
        org.peerA1.token,
        clientA,
        dischargeBody({ levelOfCare: 'residential' }),
      ).expect(201);
      expect(res.body.followUps.map((f: { label: string }) => f.label)).toEqual([
        'handoff',
        'week-1',
      ]);
      const [row] = await t.dataSource.query(
        `SELECT version FROM follow_up_cadence WHERE organization_id = $1`,
        [org.id],
      );
      expect(row.version).toBe(1);
    });
  });
});
