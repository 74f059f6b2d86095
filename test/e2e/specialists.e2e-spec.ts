import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createCertification, createClient } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { bearer } from '../helpers/http';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

describe('specialists (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  const http = () => request(t.app.getHttpServer());
  const cert = (over: object = {}) => ({
    credential: 'CPRS',
    number: `CPRS-${randomUUID().slice(0, 6)}`,
    issuingState: 'PA',
    issuedOn: '2025-06-30',
    expiresOn: '2027-06-30',
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    other = await createTestOrg(t.app);
  });
  afterAll(() => t.close());

  describe('GET /api/v1/specialists/:id', () => {
    it('should answer 401 without a token', async () => {
      await http().get(`/api/v1/specialists/${org.peerA1.id}`).expect(401);
    });

    it('should answer 404 to another peer, another team’s supervisor and another organization', async () => {
      const missing = await http()
        .get(`/api/v1/specialists/${randomUUID()}`)
        .auth(org.admin.token, bearer)
        .expect(404);
      expect(missing.body).toEqual(problem(404, 'NOT_FOUND', 'Specialist not found.'));
      for (const caller of [org.peerA2, org.supervisorB, other.admin]) {
        const res = await http()
          .get(`/api/v1/specialists/${org.peerA1.id}`)
          .auth(caller.token, bearer)
          .expect(404);
        expect({ ...res.body, correlationId: 'x' }).toEqual({
          ...missing.body,
          correlationId: 'x',
        });
      }
    });

    it('should answer 400 for a malformed id', async () => {
      await http().get('/api/v1/specialists/nope').auth(org.admin.token, bearer).expect(400);
    });

    it('should show the profile to self, supervisor and admin with cap, caseload and renewal', async () => {
      const o = await createTestOrg(t.app);
      await t.dataSource.query(
        `UPDATE organization SET settings = '{"caseloadCap": 12}' WHERE id = $1`,
        [o.id],
      );
      await createCertification(t.dataSource, {
        organizationId: o.id,
        userId: o.peerA1.id,
        issuedOn: '2025-06-30',
        expiresOn: '2027-06-30',
      });
      await createClient(t.dataSource, { organizationId: o.id, specialistId: o.peerA1.id });
      await createClient(t.dataSource, {
        organizationId: o.id,
        specialistId: o.peerA1.id,
        status: 'closed',
      });
      await t.dataSource.query(
        `INSERT INTO specialist_ce_hour (organization_id, user_id, hours, category, completed_on, title) VALUES
           ($1, $2, 4.5, 'ethics', '2026-01-10', 'Ethics'), ($1, $2, 10, 'general', '2025-09-01', 'Motivational interviewing'),
           ($1, $2, 8, 'general', '2025-01-01', 'Before the cycle')`,
        [o.id, o.peerA1.id],
      );
      for (const caller of [o.peerA1, o.supervisorA, o.admin]) {
        const res = await http()
          .get(`/api/v1/specialists/${o.peerA1.id}`)
          .auth(caller.token, bearer)
          .expect(200);
        expect(res.body).toMatchObject({
          id: o.peerA1.id,
          version: 1,
          role: 'peer_specialist',
          active: true,
          caseloadCap: 12,
          caseloadCapOverride: null,
          activeCaseloadCount: 1,
          certificationExpiresOn: '2027-06-30',
          renewal: {
            status: 'in_progress',
            cycleStart: '2025-06-30',
            cycleEnd: '2027-06-30',
            requiredHours: 20,
            requiredEthicsHours: 6,
            earnedHours: 14.5,
            earnedEthicsHours: 4.5,
            remainingHours: 5.5,
            remainingEthicsHours: 1.5,
          },
          supervisionHours: [],
          supervisionHoursTotal: 0,
        });
        expect(res.body.ceHours).toHaveLength(3);
        expect(res.body.certifications).toEqual([
          expect.objectContaining({ credential: 'CPRS', expiresOn: '2027-06-30', version: 1 }),
        ]);
        expect(res.headers.etag).toBe('"1"');
      }
    });
  });

  describe('PATCH /api/v1/specialists/:id (caseload cap)', () => {
    it('should answer 401, 403 for a peer (even on themself), 404 out of scope, 400 bad cap, 428 without If-Match', async () => {
      await http()
        .patch(`/api/v1/specialists/${org.peerA1.id}`)
        .set('If-Match', '"1"')
        .send({ caseloadCap: 5 })
        .expect(401);
      await http()
        .patch(`/api/v1/specialists/${org.peerA1.id}`)
        .set('If-Match', '"1"')
        .auth(org.peerA1.token, bearer)
        .send({ caseloadCap: 5 })
        .expect(403);
      const res = await http()
        .patch(`/api/v1/specialists/${org.peerA1.id}`)
        .set('If-Match', '"1"')
        .auth(org.supervisorB.token, bearer)
        .send({ caseloadCap: 5 })
        .expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Specialist not found.'));
      const bad = await http()
        .patch(`/api/v1/specialists/${org.peerA1.id}`)
        .set('If-Match', '"1"')
        .auth(org.supervisorA.token, bearer)
        .send({ caseloadCap: 0 })
        .expect(400);
      expect(bad.body.errors).toEqual([
        { field: 'caseloadCap', message: 'caseloadCap must not be less than 1' },
      ]);
      await http()
        .patch(`/api/v1/specialists/${org.peerA1.id}`)
        .auth(org.supervisorA.token, bearer)
        .send({ caseloadCap: 5 })
        .expect(428);
    });

    it('should set and clear the override with optimistic locking', async () => {
      const url = `/api/v1/specialists/${org.peerA2.id}`;
      const set = await http()
        .patch(url)
        .set('If-Match', '"1"')
        .auth(org.supervisorA.token, bearer)
        .send({ caseloadCap: 30 })
        .expect(200);
      expect(set.body).toMatchObject({ version: 2, caseloadCap: 30, caseloadCapOverride: 30 });
      await http()
        .patch(url)
        .set('If-Match', '"1"')
        .auth(org.admin.token, bearer)
        .send({ caseloadCap: 10 })
        .expect(412);
      const cleared = await http()
        .patch(url)
        .set('If-Match', '"2"')
        .auth(org.admin.token, bearer)
        .send({ caseloadCap: null })
        .expect(200);
      expect(cleared.body).toMatchObject({
        version: 3,
        caseloadCap: 25,
        caseloadCapOverride: null,
      });
      const [row] = await t.dataSource.query(
        `SELECT caseload_cap, version FROM specialist_profile WHERE user_id = $1`,
        [org.peerA2.id],
      );
      expect(row).toEqual({ caseload_cap: null, version: 3 });
    });
  });

  describe('POST /api/v1/specialists/:id/certifications', () => {
    const url = () => `/api/v1/specialists/${org.peerA1.id}/certifications`;

    it('should answer 401, 403 for a peer (even their own: credentials are not self-attested), 404 for another team’s supervisor', async () => {
      await http().post(url()).send(cert()).expect(401);
      for (const peer of [org.peerA1, org.peerA2]) {
        const res = await http().post(url()).auth(peer.token, bearer).send(cert()).expect(403);
        expect(res.body).toEqual(
          problem(403, 'FORBIDDEN', 'Your role may not perform this action.'),
        );
      }
      const res = await http()
        .post(url())
        .auth(org.supervisorB.token, bearer)
        .send(cert())
        .expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Specialist not found.'));
    });

    it('should answer 400 with the exact errors', async () => {
      const res = await http()
        .post(url())
        .auth(org.supervisorA.token, bearer)
        .send(cert({ credential: 'MD', issuingState: 'pa', expiresOn: '2027-13-01' }))
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'credential',
            message: 'credential must be one of the following values: CPRS, CPRC, NCPRSS, other',
          },
          { field: 'expiresOn', message: 'expiresOn must be a date (YYYY-MM-DD)' },
          { field: 'issuingState', message: 'issuingState must be a two-letter code' },
        ]),
      );
      const order = await http()
        .post(url())
        .auth(org.supervisorA.token, bearer)
        .send(cert({ expiresOn: '2025-01-01' }))
        .expect(400);
      expect(order.body.errors).toEqual([
        { field: 'expiresOn', message: 'expiresOn must be after issuedOn' },
      ]);
    });

    it('should let the supervisor and an admin add one, stored and audited', async () => {
      for (const caller of [org.supervisorA, org.admin]) {
        const body = cert();
        const res = await http().post(url()).auth(caller.token, bearer).send(body).expect(201);
        expect(res.body).toEqual({ id: expect.any(String), version: 1, ...body });
        const [row] = await t.dataSource.query(
          `SELECT user_id, number FROM specialist_certification WHERE id = $1`,
          [res.body.id],
        );
        expect(row).toEqual({ user_id: org.peerA1.id, number: body.number });
        const [audit] = await t.dataSource.query(
          `SELECT actor_id FROM audit_event WHERE action = 'specialist.certification.create' AND resource_id = $1`,
          [res.body.id],
        );
        expect(audit.actor_id).toBe(caller.id);
      }
    });
  });

  describe('PATCH /api/v1/specialists/:id/certifications/:certificationId', () => {
    it('should renew with If-Match, 412 when stale, 404 for another specialist’s certification', async () => {
      const id = await createCertification(t.dataSource, {
        organizationId: org.id,
        userId: org.peerA1.id,
        expiresOn: '2026-12-31',
      });
      const url = `/api/v1/specialists/${org.peerA1.id}/certifications/${id}`;
      await http().patch(url).set('If-Match', '"1"').send({ expiresOn: '2028-12-31' }).expect(401);
      await http()
        .patch(`/api/v1/specialists/${org.peerA2.id}/certifications/${id}`)
        .set('If-Match', '"1"')
        .auth(org.supervisorA.token, bearer)
        .send({ expiresOn: '2028-12-31' })
        .expect(404);
      const bad = await http()
        .patch(url)
        .set('If-Match', '"1"')
        .auth(org.supervisorA.token, bearer)
        .send({ expiresOn: '2019-01-01' })
        .expect(400);
      expect(bad.body.errors).toEqual([
        { field: 'expiresOn', message: 'expiresOn must be after issuedOn' },
      ]);
      const res = await http()
        .patch(url)
        .set('If-Match', '"1"')
        .auth(org.supervisorA.token, bearer)
        .send({ expiresOn: '2028-12-31' })
        .expect(200);
      expect(res.body).toMatchObject({ id, expiresOn: '2028-12-31', version: 2 });
      expect(res.headers.etag).toBe('"2"');
      const [row] = await t.dataSource.query(
        `SELECT user_id, issued_on::text AS issued_on, expires_on::text AS expires_on, version,
                updated_at > created_at AS touched
           FROM specialist_certification WHERE id = $1`,
        [id],
      );
      expect(row).toEqual({
        user_id: org.peerA1.id,
        issued_on: '2020-01-01',
        expires_on: '2028-12-31',
        version: 2,
        touched: true,
      });
      await http()
        .patch(url)
        .set('If-Match', '"1"')
        .auth(org.admin.token, bearer)
        .send({ number: 'X' })
        .expect(412);
      await http()
        .patch(url)
        .set('If-Match', '"2"')
        .auth(org.peerA1.token, bearer)
        .send({ expiresOn: '2030-12-31' })
        .expect(403);
    });
  });

  describe('POST /api/v1/specialists/:id/ce-hours', () => {
    const url = () => `/api/v1/specialists/${org.peerA1.id}/ce-hours`;
    const body = {
      hours: 2.5,
      category: 'ethics',
      completedOn: '2026-02-01',
      title: 'Boundaries in peer work',
    };

    it('should answer 401, 404 for another peer, 400 with the exact errors', async () => {
      await http().post(url()).send(body).expect(401);
      await http().post(url()).auth(org.peerB1.token, bearer).send(body).expect(404);
      const res = await http()
        .post(url())
        .auth(org.peerA1.token, bearer)
        .send({ ...body, hours: 0, category: 'fun' })
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'category',
            message: 'category must be one of the following values: ethics, general',
          },
          { field: 'hours', message: 'hours must not be less than 0.25' },
        ]),
      );
    });

    it('should record the hours in the ledger', async () => {
      const res = await http().post(url()).auth(org.peerA1.token, bearer).send(body).expect(201);
      expect(res.body).toEqual({ id: expect.any(String), ...body, createdAt: expect.any(String) });
      const [row] = await t.dataSource.query(
        `SELECT hours::float8 AS hours, created_by_id FROM specialist_ce_hour WHERE id = $1`,
        [res.body.id],
      );
      expect(row).toEqual({ hours: 2.5, created_by_id: org.peerA1.id });
    });
  });

  describe('POST /api/v1/specialists/:id/supervision-hours', () => {
    const url = () => `/api/v1/specialists/${org.peerA1.id}/supervision-hours`;

    it('should answer 401, 403 for a peer, 404 for another team’s supervisor, 400 bad body', async () => {
      await http().post(url()).send({ hours: 1, occurredOn: '2026-02-01' }).expect(401);
      await http()
        .post(url())
        .auth(org.peerA1.token, bearer)
        .send({ hours: 1, occurredOn: '2026-02-01' })
        .expect(403);
      await http()
        .post(url())
        .auth(org.supervisorB.token, bearer)
        .send({ hours: 1, occurredOn: '2026-02-01' })
        .expect(404);
      const res = await http()
        .post(url())
        .auth(org.supervisorA.token, bearer)
        .send({ hours: 30, occurredOn: 'soon' })
        .expect(400);
      expect(res.body.errors).toEqual([
        { field: 'hours', message: 'hours must not be greater than 24' },
        { field: 'occurredOn', message: 'occurredOn must be a date (YYYY-MM-DD)' },
      ]);
    });

    it('should record the supervisor’s hours and total them on the profile', async () => {
      await http()
        .post(url())
        .auth(org.supervisorA.token, bearer)
        .send({ hours: 1.5, occurredOn: '2026-02-01' })
        .expect(201);
      const res = await http()
        .post(url())
        .auth(org.supervisorA.token, bearer)
        .send({ hours: 1, occurredOn: '2026-02-08' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        hours: 1,
        occurredOn: '2026-02-08',
        supervisorId: org.supervisorA.id,
        createdAt: expect.any(String),
      });
      const [row] = await t.dataSource.query(
        `SELECT organization_id, user_id, supervisor_id, hours::float8 AS hours, occurred_on::text AS occurred_on
           FROM specialist_supervision_hour WHERE id = $1`,
        [res.body.id],
      );
      expect(row).toEqual({
        organization_id: org.id,
        user_id: org.peerA1.id,
        supervisor_id: org.supervisorA.id,
        hours: 1,
        occurred_on: '2026-02-08',
      });
      const profile = await http()
        .get(`/api/v1/specialists/${org.peerA1.id}`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(profile.body.supervisionHoursTotal).toBe(2.5);
      expect(
        profile.body.supervisionHours.map((h: { occurredOn: string }) => h.occurredOn),
      ).toEqual(['2026-02-08', '2026-02-01']);
    });
  });
});
