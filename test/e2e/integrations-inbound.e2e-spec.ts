import { randomUUID } from 'node:crypto';

import request from 'supertest';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

import { createClient } from '../factories/client.factory';
import { dischargeBody } from '../factories/discharge.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { apiClientWithToken, TestApiClient } from '../helpers/api-client-token';
import { countAuditEvents } from '../helpers/audit';
import { bearer } from '../helpers/http';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

const MRN = 'urn:oid:2.16.840.1.113883.19.5';

describe('inbound discharges and referrals (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let ehr: TestApiClient;
  let referrer: TestApiClient;
  let reader: TestApiClient;
  const http = () => request(t.app.getHttpServer());
  const post = (token: string, path: string, body: object) =>
    http().post(`/api/v1/integrations/${path}`).auth(token, bearer).send(body);
  const person = (over: Record<string, unknown> = {}) => ({
    identifiers: [{ system: MRN, value: `MRN-${randomUUID().slice(0, 12)}` }],
    firstName: 'Jordan',
    lastName: 'Inbound',
    dateOfBirth: '1988-03-04',
    ...over,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const inbound = (over: Record<string, unknown> = {}): Record<string, any> => ({
    client: person(),
    ...dischargeBody(),
    ...over,
  });
  const n = async (sql: string, params: unknown[]): Promise<number> =>
    (await t.dataSource.query(sql, params))[0].n;

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    other = await createTestOrg(t.app);
    ehr = await apiClientWithToken(t.app, org, ['discharges:write']);
    referrer = await apiClientWithToken(t.app, org, ['referrals:write']);
    reader = await apiClientWithToken(t.app, org, ['system/Patient.read']);
  });
  afterAll(() => t.close());

  describe('POST /api/v1/integrations/discharges', () => {
    it('should answer 401 without a token', async () => {
      await http().post('/api/v1/integrations/discharges').send(inbound()).expect(401);
    });

    it('should answer 403 for staff, a read-only API client and a referrals-only client', async () => {
      for (const token of [org.supervisorA.token, reader.token, referrer.token]) {
        const res = await post(token, 'discharges', inbound()).expect(403);
        expect(res.body).toEqual(
          problem(403, 'FORBIDDEN', 'Your role may not perform this action.'),
        );
      }
      expect(await countAuditEvents(t.dataSource, { actorId: reader.id, outcome: 'denied' })).toBe(
        1,
      );
    });

    it('should answer 400 with the exact errors for an invalid body', async () => {
      const res = await post(ehr.token, 'discharges', {
        ...inbound(),
        client: { identifiers: [], firstName: '', dateOfBirth: '4 March 1988' },
        levelOfCare: 'detox',
      }).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'client.dateOfBirth',
            message: 'dateOfBirth must be a date (YYYY-MM-DD)',
          },
          {
            field: 'client.firstName',
            message: 'firstName must be longer than or equal to 1 characters',
          },
          {
            field: 'client.identifiers',
            message: 'identifiers must contain at least 1 elements',
          },
          {
            field: 'client.lastName',
            message: 'lastName must be a string',
          },
          {
            field: 'levelOfCare',
            message:
              'levelOfCare must be one of the following values: withdrawal_management, inpatient, residential, emergency_department, intensive_outpatient, outpatient',
          },
        ]),
      );
    });

    it('should create an unassigned client and run the bridge when no identifier matches', async () => {
      const body = inbound();
      const res = await post(ehr.token, 'discharges', body).expect(201);
      expect(res.body).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          clientId: expect.any(String),
          clientCreated: true,
          facility: body.facility,
          levelOfCare: 'withdrawal_management',
          source: 'integration',
        }),
      );
      expect(res.body.followUps).toHaveLength(8);
      const [client] = await t.dataSource.query(
        `SELECT organization_id, first_name, status, primary_specialist_id,
           to_char(date_of_birth, 'YYYY-MM-DD') AS dob FROM client WHERE id = $1`,
        [res.body.clientId],
      );
      expect(client).toEqual({
        organization_id: org.id,
        first_name: 'Jordan',
        status: 'active',
        primary_specialist_id: null,
        dob: '1988-03-04',
      });
      const [d] = await t.dataSource.query(
        `SELECT source, created_by_id FROM discharge WHERE id = $1`,
        [res.body.id],
      );
      expect(d).toEqual({ source: 'integration', created_by_id: ehr.id });
      expect(
        await n(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'followUpId' = ANY($1)`, [
          res.body.followUps.map((f: { id: string }) => f.id),
        ]),
      ).toBeGreaterThan(0);
      for (const action of ['client.create', 'discharge.create']) {
        expect(
          await countAuditEvents(t.dataSource, {
            action,
            clientId: res.body.clientId,
            actorId: ehr.id,
          }),
        ).toBe(1);
      }
      // The needs-assignment queue a supervisor works shows the new client.
      const queue = await http()
        .get('/api/v1/clients?assigned=false&limit=100')
        .auth(org.supervisorA.token, bearer)
        .expect(200);
      expect(queue.body.items.map((c: { id: string }) => c.id)).toContain(res.body.clientId);
    });

    it('should match the client by identifier and never overwrite its demographics', async () => {
      const identifiers = [{ system: MRN, value: `MRN-${randomUUID().slice(0, 12)}` }];
      const clientId = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
        firstName: 'Sam',
        dateOfBirth: '1988-03-04',
        identifiers,
      });
      const res = await post(
        ehr.token,
        'discharges',
        inbound({ client: person({ identifiers, firstName: 'Samuel', lastName: 'Renamed' }) }),
      ).expect(201);
      expect(res.body.clientId).toBe(clientId);
      expect(res.body.clientCreated).toBe(false);
      expect(
        res.body.followUps.every((f: { ownerId: string }) => f.ownerId === org.peerA1.id),
      ).toBe(true);
      const [row] = await t.dataSource.query(
        `SELECT first_name, last_name FROM client WHERE id = $1`,
        [clientId],
      );
      expect(row.first_name).toBe('Sam');
      expect(row.last_name).not.toBe('Renamed');
    });

    it('should answer 409 naming no one when the identifier belongs to someone born on another day', async () => {
      const identifiers = [{ system: MRN, value: `MRN-${randomUUID().slice(0, 12)}` }];
      const clientId = await createClient(t.dataSource, {
        organizationId: org.id,
        dateOfBirth: '1970-01-01',
        identifiers,
      });
      const res = await post(
        ehr.token,
        'discharges',
        inbound({ client: person({ identifiers }) }),
      ).expect(409);
      expect(res.body).toEqual(
        problem(
          409,
          'CLIENT_IDENTIFIER_CONFLICT',
          'The identifiers match a client whose details differ from this message; resolve the record before sending it again.',
        ),
      );
      expect(res.text).not.toContain(clientId);
      expect(res.text).not.toContain('1970');
      expect(res.text).not.toContain(identifiers[0].value);
      expect(
        await n(`SELECT count(*)::int AS n FROM discharge WHERE client_id = $1`, [clientId]),
      ).toBe(0);
    });

    it('should never match a client another organization holds', async () => {
      const identifiers = [{ system: MRN, value: `MRN-${randomUUID().slice(0, 12)}` }];
      const theirs = await createClient(t.dataSource, {
        organizationId: other.id,
        dateOfBirth: '1988-03-04',
        identifiers,
      });
      const res = await post(
        ehr.token,
        'discharges',
        inbound({ client: person({ identifiers }) }),
      ).expect(201);
      expect(res.body.clientId).not.toBe(theirs);
      expect(res.body.clientCreated).toBe(true);
      expect(
        await n(`SELECT count(*)::int AS n FROM discharge WHERE client_id = $1`, [theirs]),
      ).toBe(0);
    });

    it('should answer the first result for the same discharge sent again, with or without a key', async () => {
      const body = inbound();
      const first = await post(ehr.token, 'discharges', body).expect(201);
      const again = await post(ehr.token, 'discharges', body).expect(200);
      expect(again.body).toEqual({ ...first.body, clientCreated: false });
      const keyed = () =>
        http()
          .post('/api/v1/integrations/discharges')
          .auth(ehr.token, bearer)
          .set('Idempotency-Key', `adt-${first.body.id}`)
          .send(body);
      const k1 = await keyed().expect(200);
      const k2 = await keyed().expect(200);
      expect(k2.headers['idempotent-replayed']).toBe('true');
      expect(k2.body).toEqual(k1.body);
      expect(
        await n(`SELECT count(*)::int AS n FROM follow_up WHERE client_id = $1`, [
          first.body.clientId,
        ]),
      ).toBe(8);
    });

    it('should record one client, one discharge and one cadence for a burst of 50 identical posts', async () => {
      const body = inbound();
      const results = await Promise.all(
        Array.from({ length: 50 }, () => post(ehr.token, 'discharges', body)),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(49);
      const ids = new Set(results.map((r) => r.body.id));
      const clients = new Set(results.map((r) => r.body.clientId));
      expect(ids.size).toBe(1);
      expect(clients.size).toBe(1);
      const [clientId] = [...clients];
      expect(
        await n(
          `SELECT count(*)::int AS n FROM client_identifier WHERE organization_id = $1 AND value = $2`,
          [org.id, body.client.identifiers[0].value],
        ),
      ).toBe(1);
      expect(
        await n(`SELECT count(*)::int AS n FROM discharge WHERE client_id = $1`, [clientId]),
      ).toBe(1);
      expect(
        await n(`SELECT count(*)::int AS n FROM follow_up WHERE client_id = $1`, [clientId]),
      ).toBe(8);
    });
  });

  describe('statements', () => {
    const statements = async (send: () => request.Test): Promise<number> => {
      const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
      try {
        await send().expect(201);
        // The session check runs only when the cached answer expired: timing, not the route.
        return spy.mock.calls.filter(([sql]) => !String(sql).includes('FROM auth_session')).length;
      } finally {
        spy.mockRestore();
      }
    };

    it('should cost at most one statement more than the staff route for a matched client', async () => {
      const identifiers = [{ system: MRN, value: `MRN-${randomUUID().slice(0, 12)}` }];
      const clientId = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
        dateOfBirth: '1988-03-04',
        identifiers,
      });
      const staff = await statements(() =>
        http()
          .post(`/api/v1/clients/${clientId}/discharges`)
          .auth(org.peerA1.token, bearer)
          .send(dischargeBody()),
      );
      const inboundCount = await statements(() =>
        post(ehr.token, 'discharges', inbound({ client: person({ identifiers }) })),
      );
      expect(inboundCount).toBeLessThanOrEqual(staff + 1);
    });
  });

  describe('POST /api/v1/integrations/referrals', () => {
    const referral = (over: Record<string, unknown> = {}) => ({
      client: person(),
      facility: 'Riverside Emergency Department',
      referredAt: new Date(Date.now() - 3600_000).toISOString(),
      ...over,
    });

    it('should answer 401 without a token and 403 for a discharges-only client', async () => {
      await http().post('/api/v1/integrations/referrals').send(referral()).expect(401);
      const res = await post(ehr.token, 'referrals', referral()).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 400 with the exact errors for an invalid body', async () => {
      const res = await post(referrer.token, 'referrals', {
        ...referral(),
        referredAt: 'soon',
        planned: true,
      }).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'planned', message: 'property planned should not exist' },
          { field: 'referredAt', message: 'referredAt must be a valid ISO 8601 date string' },
        ]),
      );
    });

    it('should create a referred client, notify the supervisors and start no cadence', async () => {
      const body = referral();
      const res = await post(referrer.token, 'referrals', body).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        clientId: expect.any(String),
        clientCreated: true,
        facility: body.facility,
        referredAt: body.referredAt,
        createdAt: expect.any(String),
      });
      const [client] = await t.dataSource.query(
        `SELECT status, primary_specialist_id FROM client WHERE id = $1`,
        [res.body.clientId],
      );
      expect(client).toEqual({ status: 'referred', primary_specialist_id: null });
      expect(
        await n(`SELECT count(*)::int AS n FROM follow_up WHERE client_id = $1`, [
          res.body.clientId,
        ]),
      ).toBe(0);
      const notified = await t.dataSource.query(
        `SELECT recipient_id FROM notification WHERE kind = 'referral.received' AND resource_id = $1 ORDER BY 1`,
        [res.body.id],
      );
      expect(notified.map((r: { recipient_id: string }) => r.recipient_id).sort()).toEqual(
        [org.supervisorA.id, org.supervisorB.id].sort(),
      );
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'referral.create',
          resourceId: res.body.id,
        }),
      ).toBe(1);
      const again = await post(referrer.token, 'referrals', body).expect(200);
      expect(again.body).toEqual({ ...res.body, clientCreated: false });
      expect(
        await n(`SELECT count(*)::int AS n FROM notification WHERE resource_id = $1`, [
          res.body.id,
        ]),
      ).toBe(2);
    });
  });
});
