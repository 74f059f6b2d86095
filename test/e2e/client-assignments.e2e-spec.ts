import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createClient, createFollowUp } from '../factories/client.factory';
import { createTestOrg, createUser, TestOrg } from '../factories/people.factory';
import { countAuditEvents } from '../helpers/audit';
import { bearer } from '../helpers/http';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { Role } from '../../src/auth/permissions';

describe('client assignments and coverage (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  const http = () => request(t.app.getHttpServer());
  const hourFromNow = () => new Date(Date.now() + 3_600_000).toISOString();

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
  });
  afterAll(() => t.close());

  describe('POST /api/v1/clients/:id/assignments', () => {
    let clientId: string;
    beforeEach(async () => {
      clientId = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
      });
    });
    const assign = (token: string, body: object, id = clientId) =>
      http().post(`/api/v1/clients/${id}/assignments`).auth(token, bearer).send(body);

    it('should answer 401 without a token', async () => {
      await http()
        .post(`/api/v1/clients/${clientId}/assignments`)
        .send({ specialistId: org.peerA2.id })
        .expect(401);
    });

    it('should answer 403 for a peer and an admin', async () => {
      for (const caller of [org.peerA1, org.admin]) {
        const res = await assign(caller.token, { specialistId: org.peerA2.id }).expect(403);
        expect(res.body).toEqual(
          problem(403, 'FORBIDDEN', 'Your role may not perform this action.'),
        );
      }
    });

    it('should answer 404 for a client outside the supervisor’s teams', async () => {
      const res = await assign(org.supervisorB.token, { specialistId: org.peerB1.id }).expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
    });

    it('should answer 400 with the exact errors', async () => {
      const res = await assign(org.supervisorA.token, {
        specialistId: 'x',
        reason: 5,
        extra: 1,
      }).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'extra', message: 'property extra should not exist' },
          { field: 'reason', message: 'reason must be a string' },
          { field: 'specialistId', message: 'specialistId must be a UUID' },
        ]),
      );
    });

    it('should answer 422 for a specialist off the supervisor’s teams or inactive', async () => {
      const inactive = await createUser(t.app, org.id, Role.PeerSpecialist, [org.teamA]);
      await t.dataSource.query(`UPDATE app_user SET active = false WHERE id = $1`, [inactive.id]);
      for (const specialistId of [org.peerB1.id, inactive.id, org.supervisorA.id, randomUUID()]) {
        const res = await assign(org.supervisorA.token, { specialistId }).expect(422);
        expect(res.body.code).toBe('SPECIALIST_NOT_ASSIGNABLE');
      }
    });

    it('should reassign, close the previous history row, move open follow-ups and audit', async () => {
      const followUp = await createFollowUp(t.dataSource, {
        organizationId: org.id,
        clientId,
        ownerId: org.peerA1.id,
        dueAt: new Date(Date.now() + 86_400_000),
      });
      const res = await assign(org.supervisorA.token, {
        specialistId: org.peerA2.id,
        reason: 'rebalancing',
      }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        clientId,
        specialistId: org.peerA2.id,
        assignedById: org.supervisorA.id,
        reason: 'rebalancing',
        startedAt: expect.any(String),
        endedAt: null,
      });
      const [client] = await t.dataSource.query(
        `SELECT primary_specialist_id, version FROM client WHERE id = $1`,
        [clientId],
      );
      expect(client).toEqual({ primary_specialist_id: org.peerA2.id, version: 2 });
      const [task] = await t.dataSource.query(`SELECT owner_id FROM follow_up WHERE id = $1`, [
        followUp,
      ]);
      expect(task.owner_id).toBe(org.peerA2.id);
      const history = await http()
        .get(`/api/v1/clients/${clientId}/assignments`)
        .auth(org.peerA2.token, bearer)
        .expect(200);
      expect(
        history.body.items.map((a: { specialistId: string; endedAt: string | null }) => [
          a.specialistId,
          a.endedAt === null,
        ]),
      ).toEqual([
        [org.peerA2.id, true],
        [org.peerA1.id, false],
      ]);
      expect(history.body.nextCursor).toBeNull();
      const [audit] = await t.dataSource.query(
        `SELECT resource_id FROM audit_event WHERE action = 'client.assign' AND client_id = $1`,
        [clientId],
      );
      expect(audit.resource_id).toBe(res.body.id);
      // The former specialist no longer sees the client.
      await http().get(`/api/v1/clients/${clientId}`).auth(org.peerA1.token, bearer).expect(404);
    });

    it('should refuse beyond the cap without an override, and accept with one', async () => {
      await t.dataSource.query(
        `INSERT INTO specialist_profile (user_id, organization_id, caseload_cap) VALUES ($1, $2, 1)
         ON CONFLICT (user_id) DO UPDATE SET caseload_cap = 1`,
        [org.peerA2.id, org.id],
      );
      await createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerA2.id });
      const res = await assign(org.supervisorA.token, { specialistId: org.peerA2.id }).expect(422);
      expect(res.body).toEqual(
        problem(
          422,
          'CASELOAD_CAP_EXCEEDED',
          'The specialist’s caseload is at its cap; a supervisor’s override is required.',
        ),
      );
      await assign(org.supervisorA.token, {
        specialistId: org.peerA2.id,
        overrideCaseloadCap: true,
      }).expect(201);
      await t.dataSource.query(`DELETE FROM specialist_profile WHERE user_id = $1`, [
        org.peerA2.id,
      ]);
    });

    it('should take a client from the "needs assignment" queue', async () => {
      const queued = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: null,
        needsReassignment: true,
      });
      await assign(org.supervisorA.token, { specialistId: org.peerA1.id }, queued).expect(201);
      const [row] = await t.dataSource.query(
        `SELECT primary_specialist_id, needs_reassignment FROM client WHERE id = $1`,
        [queued],
      );
      expect(row).toEqual({ primary_specialist_id: org.peerA1.id, needs_reassignment: false });
    });
  });

  describe('GET /api/v1/clients/:id/assignments', () => {
    it('should answer 401, 404 out of scope, 400 bad limit, and audit the read', async () => {
      const clientId = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
      });
      await http().get(`/api/v1/clients/${clientId}/assignments`).expect(401);
      const res = await http()
        .get(`/api/v1/clients/${clientId}/assignments`)
        .auth(org.peerB1.token, bearer)
        .expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      const bad = await http()
        .get(`/api/v1/clients/${clientId}/assignments?limit=0`)
        .auth(org.peerA1.token, bearer)
        .expect(400);
      expect(bad.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'limit', message: 'limit must not be less than 1' },
        ]),
      );
      const ok = await http()
        .get(`/api/v1/clients/${clientId}/assignments`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(ok.body.items).toHaveLength(1);
      expect(
        await countAuditEvents(t.dataSource, { action: 'client.assignment.list', clientId }),
      ).toBe(1);
    });
  });

  describe('POST /api/v1/clients/:id/coverage', () => {
    let clientId: string;
    beforeAll(async () => {
      clientId = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
      });
    });
    const cover = (token: string, body: object) =>
      http().post(`/api/v1/clients/${clientId}/coverage`).auth(token, bearer).send(body);

    it('should answer 401, 403 for a peer, 404 out of scope', async () => {
      await http().post(`/api/v1/clients/${clientId}/coverage`).send({}).expect(401);
      await cover(org.peerA1.token, { specialistId: org.peerA2.id, endsAt: hourFromNow() }).expect(
        403,
      );
      const res = await cover(org.supervisorB.token, {
        specialistId: org.peerB1.id,
        endsAt: hourFromNow(),
      }).expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
    });

    it('should answer 400 for a missing or past end', async () => {
      const missing = await cover(org.supervisorA.token, { specialistId: org.peerA2.id }).expect(
        400,
      );
      expect(missing.body.errors).toEqual([
        { field: 'endsAt', message: 'endsAt must be a valid ISO 8601 date string' },
      ]);
      const past = await cover(org.supervisorA.token, {
        specialistId: org.peerA2.id,
        endsAt: '2020-01-01T00:00:00Z',
      }).expect(400);
      expect(past.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'endsAt', message: 'endsAt must be in the future' },
        ]),
      );
    });

    it('should let the covering peer see the client until the coverage ends', async () => {
      await http().get(`/api/v1/clients/${clientId}`).auth(org.peerA2.token, bearer).expect(404);
      const endsAt = hourFromNow();
      const res = await cover(org.supervisorA.token, {
        specialistId: org.peerA2.id,
        endsAt,
      }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        clientId,
        specialistId: org.peerA2.id,
        createdById: org.supervisorA.id,
        startsAt: expect.any(String),
        endsAt,
        revokedAt: null,
        active: true,
        createdAt: expect.any(String),
      });
      const [stored] = await t.dataSource.query(
        `SELECT client_id, specialist_id, created_by_id, ends_at, revoked_at FROM client_coverage WHERE id = $1`,
        [res.body.id],
      );
      expect(stored).toEqual({
        client_id: clientId,
        specialist_id: org.peerA2.id,
        created_by_id: org.supervisorA.id,
        ends_at: new Date(endsAt),
        revoked_at: null,
      });
      await http().get(`/api/v1/clients/${clientId}`).auth(org.peerA2.token, bearer).expect(200);
      const list = await http().get('/api/v1/clients').auth(org.peerA2.token, bearer).expect(200);
      expect(list.body.items.map((c: { id: string }) => c.id)).toContain(clientId);
      await t.dataSource.query(
        `UPDATE client_coverage SET starts_at = now() - interval '2 hours', ends_at = now() - interval '1 second' WHERE id = $1`,
        [res.body.id],
      );
      await http().get(`/api/v1/clients/${clientId}`).auth(org.peerA2.token, bearer).expect(404);
    });
  });

  describe('GET /api/v1/clients/:id/coverage and POST .../coverage/:coverageId/end', () => {
    let clientId: string;
    let coverageId: string;
    beforeAll(async () => {
      clientId = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
      });
      const res = await http()
        .post(`/api/v1/clients/${clientId}/coverage`)
        .auth(org.supervisorA.token, bearer)
        .send({ specialistId: org.peerA2.id, endsAt: hourFromNow() })
        .expect(201);
      coverageId = res.body.id;
    });
    const list = (token: string, id = clientId) =>
      http().get(`/api/v1/clients/${id}/coverage`).auth(token, bearer);
    const end = (token: string, id = coverageId, client = clientId) =>
      http().post(`/api/v1/clients/${client}/coverage/${id}/end`).auth(token, bearer);

    it('should answer 401 without a token, 404 out of scope, 400 for a bad id', async () => {
      await http().get(`/api/v1/clients/${clientId}/coverage`).expect(401);
      await http().post(`/api/v1/clients/${clientId}/coverage/${coverageId}/end`).expect(401);
      const outside = await list(org.peerB1.token).expect(404);
      expect(outside.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      await end(org.supervisorB.token).expect(404);
      const other = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
      });
      // A coverage id of another client is not found under this one.
      const foreign = await end(org.supervisorA.token, coverageId, other).expect(404);
      expect(foreign.body).toEqual(problem(404, 'NOT_FOUND', 'Coverage not found.'));
      const bad = await end(org.supervisorA.token, 'nope').expect(400);
      expect(bad.body.errors).toEqual([
        { field: 'coverageId', message: 'coverageId must be a UUID' },
      ]);
    });

    it('should answer 400 with the exact errors for a bad limit', async () => {
      const res = await http()
        .get(`/api/v1/clients/${clientId}/coverage?limit=0`)
        .auth(org.peerA1.token, bearer)
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'limit', message: 'limit must not be less than 1' },
        ]),
      );
    });

    it('should let only supervisors end a coverage (peers 403)', async () => {
      const res = await end(org.peerA1.token).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should list the coverage to those who may read the client', async () => {
      const res = await list(org.peerA1.token).expect(200);
      expect(res.body).toEqual({
        items: [
          expect.objectContaining({
            id: coverageId,
            specialistId: org.peerA2.id,
            active: true,
            revokedAt: null,
          }),
        ],
        nextCursor: null,
      });
      await list(org.supervisorA.token).expect(200);
    });

    it('should end it now, cutting the covering peer off, once (409 after)', async () => {
      await http().get(`/api/v1/clients/${clientId}`).auth(org.peerA2.token, bearer).expect(200);
      const res = await end(org.supervisorA.token).expect(200);
      expect(res.body).toEqual(
        expect.objectContaining({ id: coverageId, active: false, revokedAt: expect.any(String) }),
      );
      const [row] = await t.dataSource.query(
        `SELECT revoked_at FROM client_coverage WHERE id = $1`,
        [coverageId],
      );
      expect(row.revoked_at).toBeInstanceOf(Date);
      await http().get(`/api/v1/clients/${clientId}`).auth(org.peerA2.token, bearer).expect(404);
      const again = await end(org.supervisorA.token).expect(409);
      expect(again.body).toEqual(
        problem(409, 'INVALID_TRANSITION', 'This coverage has already ended.'),
      );
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'client.coverage.end',
          resourceId: coverageId,
        }),
      ).toBe(1);
      const listed = await list(org.supervisorA.token).expect(200);
      expect(listed.body.items[0]).toEqual(
        expect.objectContaining({ id: coverageId, active: false }),
      );
    });
  });

  describe('deactivating a specialist', () => {
    it('should move their open clients to "needs reassignment" in the same transaction', async () => {
      const o = await createTestOrg(t.app);
      const open = await createClient(t.dataSource, {
        organizationId: o.id,
        specialistId: o.peerA1.id,
      });
      const closed = await createClient(t.dataSource, {
        organizationId: o.id,
        specialistId: o.peerA1.id,
        status: 'closed',
      });
      const task = await createFollowUp(t.dataSource, {
        organizationId: o.id,
        clientId: open,
        ownerId: o.peerA1.id,
        dueAt: new Date(Date.now() + 86_400_000),
      });
      await http()
        .patch(`/api/v1/users/${o.peerA1.id}`)
        .set('If-Match', '"1"')
        .auth(o.admin.token, bearer)
        .send({ active: false })
        .expect(200);
      const rows = await t.dataSource.query(
        `SELECT id, primary_specialist_id, needs_reassignment FROM client WHERE id = ANY($1) ORDER BY id`,
        [[open, closed]],
      );
      expect(rows).toEqual(
        [
          { id: open, primary_specialist_id: null, needs_reassignment: true },
          { id: closed, primary_specialist_id: o.peerA1.id, needs_reassignment: false },
        ].sort((a, b) => a.id.localeCompare(b.id)),
      );
      const history = await t.dataSource.query(
        `SELECT specialist_id, ended_at IS NULL AS open, reason FROM client_assignment WHERE client_id = $1 ORDER BY started_at, ended_at NULLS LAST`,
        [open],
      );
      expect(history).toEqual([
        { specialist_id: o.peerA1.id, open: false, reason: null },
        { specialist_id: null, open: true, reason: 'specialist_deactivated' },
      ]);
      const [fu] = await t.dataSource.query(`SELECT owner_id FROM follow_up WHERE id = $1`, [task]);
      expect(fu.owner_id).toBeNull();
      const queue = await http()
        .get('/api/v1/clients?needsReassignment=true')
        .auth(o.supervisorA.token, bearer)
        .expect(200);
      expect(queue.body.items.map((c: { id: string }) => c.id)).toEqual([open]);
    });
  });
});
