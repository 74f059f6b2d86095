import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createClient, createCoverage, createFollowUp } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { countAuditEvents } from '../helpers/audit';
import { bearer } from '../helpers/http';
import { INVALID_CURSOR, problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

describe('clients (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    other = await createTestOrg(t.app);
  });
  afterAll(() => t.close());

  const newClient = (over: Record<string, unknown> = {}) => ({
    firstName: 'Alex',
    lastName: `Fictional-${randomUUID().slice(0, 8)}`,
    dateOfBirth: '1988-03-14',
    pronouns: 'they/them',
    phone: '+1-555-0100',
    preferredContactMethod: 'text',
    identifiers: [{ system: 'urn:test:mrn', value: `MRN-${randomUUID()}` }],
    ...over,
  });

  describe('POST /api/v1/clients', () => {
    it('should answer 401 without a token', async () => {
      await http().post('/api/v1/clients').send(newClient()).expect(401);
    });

    it('should answer 403 for an admin', async () => {
      const res = await http()
        .post('/api/v1/clients')
        .auth(org.admin.token, bearer)
        .send(newClient())
        .expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 400 with the exact errors, for unknown fields too', async () => {
      const body = newClient({
        dateOfBirth: '1988-02-30',
        status: 'gone',
        organizationId: other.id,
      });
      const res = await http()
        .post('/api/v1/clients')
        .auth(org.peerA1.token, bearer)
        .send(body)
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'dateOfBirth', message: 'dateOfBirth must be a date (YYYY-MM-DD)' },
          { field: 'organizationId', message: 'property organizationId should not exist' },
          {
            field: 'status',
            message:
              'status must be one of the following values: referred, active, inactive, closed',
          },
        ]),
      );
      const rows = await t.dataSource.query(`SELECT 1 FROM client WHERE last_name = $1`, [
        body.lastName,
      ]);
      expect(rows).toEqual([]);
    });

    it('should answer 403 when a peer sets a supervisor-only field', async () => {
      for (const extra of [
        { allowDuplicate: true },
        { overrideCaseloadCap: true },
        { primarySpecialistId: org.peerA2.id },
      ]) {
        const res = await http()
          .post('/api/v1/clients')
          .auth(org.peerA1.token, bearer)
          .send(newClient(extra))
          .expect(403);
        expect(res.body).toEqual(
          problem(
            403,
            'FORBIDDEN',
            'Only a supervisor may set primarySpecialistId, allowDuplicate or overrideCaseloadCap.',
          ),
        );
      }
    });

    it('should create a peer’s client on their own caseload, with history and audit', async () => {
      const body = newClient();
      const res = await http()
        .post('/api/v1/clients')
        .auth(org.peerA1.token, bearer)
        .send(body)
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        version: 1,
        status: 'active',
        firstName: 'Alex',
        lastName: body.lastName,
        preferredName: null,
        dateOfBirth: '1988-03-14',
        pronouns: 'they/them',
        email: null,
        phone: '+1-555-0100',
        preferredContactMethod: 'text',
        identifiers: body.identifiers,
        recoveryStartDate: null,
        primarySpecialistId: org.peerA1.id,
        needsReassignment: false,
        part2NoticeAcknowledgedOn: null,
        lastContactAt: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(res.headers.etag).toBe('"1"');
      const [row] = await t.dataSource.query(
        `SELECT organization_id, primary_specialist_id FROM client WHERE id = $1`,
        [res.body.id],
      );
      expect(row).toEqual({ organization_id: org.id, primary_specialist_id: org.peerA1.id });
      const history = await t.dataSource.query(
        `SELECT specialist_id, ended_at FROM client_assignment WHERE client_id = $1`,
        [res.body.id],
      );
      expect(history).toEqual([{ specialist_id: org.peerA1.id, ended_at: null }]);
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'client.create',
          actorId: org.peerA1.id,
          clientId: res.body.id,
        }),
      ).toBe(1);
    });

    describe('a duplicate match (whether someone is a client is Part 2 protected)', () => {
      const inScope =
        'A client with the same identifier, or the same name and date of birth, already exists.';
      const outOfScope =
        'A matching client already exists outside your scope; a supervisor can assign it to you.';
      const medicaid = () => ({ system: 'urn:test:medicaid', value: `MCD-${randomUUID()}` });
      const probes = async (actorId: string, clientId: string | null, outcome = 'success') => {
        const rows = await t.dataSource.query(
          `SELECT client_id, resource_type, resource_id, actor_role FROM audit_event
            WHERE action = 'client.duplicate-probe' AND actor_id = $1 AND outcome = $2
              AND client_id IS NOT DISTINCT FROM $3`,
          [actorId, outcome, clientId],
        );
        return rows as { client_id: string; resource_type: string; resource_id: string }[];
      };
      const clientsNamed = async (lastName: string) => {
        const [row] = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM client WHERE last_name = $1`,
          [lastName],
        );
        return row.n as number;
      };

      it('should answer 409 without the id to a peer outside the match, by identifier or by name and birth date, and audit each probe', async () => {
        const o = await createTestOrg(t.app);
        const first = await http()
          .post('/api/v1/clients')
          .auth(o.peerA1.token, bearer)
          .send(newClient({ identifiers: [medicaid()] }))
          .expect(201);
        const byId = await http()
          .post('/api/v1/clients')
          .auth(o.peerA2.token, bearer)
          .send(newClient({ identifiers: first.body.identifiers }))
          .expect(409);
        expect(byId.body).toEqual(problem(409, 'DUPLICATE_CLIENT', outOfScope));
        const sameName = newClient({
          firstName: 'ALEX',
          lastName: first.body.lastName.toLowerCase(),
        });
        const byName = await http()
          .post('/api/v1/clients')
          .auth(o.peerA2.token, bearer)
          .send(sameName)
          .expect(409);
        expect(byName.body).toEqual(problem(409, 'DUPLICATE_CLIENT', outOfScope));
        expect(JSON.stringify([byId.body, byName.body])).not.toContain(first.body.id);
        // The write rolled back; its audit event did not: the probe is on record, ids only.
        expect(await probes(o.peerA2.id, first.body.id)).toEqual([
          ...Array(2).fill({
            client_id: first.body.id,
            resource_type: 'Client',
            resource_id: first.body.id,
            actor_role: 'peer_specialist',
          }),
        ]);
        expect(await clientsNamed(first.body.lastName)).toBe(1);
        expect(
          await countAuditEvents(t.dataSource, { action: 'client.create', actorId: o.peerA2.id }),
        ).toBe(0);
      });

      it('should give the id to those who may read the match: its peer, a covering peer and their supervisor, not another team’s', async () => {
        const o = await createTestOrg(t.app);
        const first = await http()
          .post('/api/v1/clients')
          .auth(o.peerA1.token, bearer)
          .send(newClient({ identifiers: [medicaid()] }))
          .expect(201);
        const again = newClient({ identifiers: first.body.identifiers });
        const expected = {
          ...problem(409, 'DUPLICATE_CLIENT', inScope),
          existingClientId: first.body.id,
        };
        for (const user of [o.peerA1, o.supervisorA]) {
          const res = await http()
            .post('/api/v1/clients')
            .auth(user.token, bearer)
            .send(again)
            .expect(409);
          expect(res.body).toEqual(expected);
          expect(await probes(user.id, first.body.id)).toHaveLength(1);
        }
        await createCoverage(t.dataSource, {
          clientId: first.body.id,
          specialistId: o.peerB1.id,
          endsAt: new Date(Date.now() + 86_400_000),
        });
        const covering = await http()
          .post('/api/v1/clients')
          .auth(o.peerB1.token, bearer)
          .send(again)
          .expect(409);
        expect(covering.body).toEqual(expected);
        const otherTeam = await http()
          .post('/api/v1/clients')
          .auth(o.supervisorB.token, bearer)
          .send(again)
          .expect(409);
        expect(otherTeam.body).toEqual(problem(409, 'DUPLICATE_CLIENT', outOfScope));
        expect(await probes(o.supervisorB.id, first.body.id)).toHaveLength(1);
        // Another organization may hold the same person: no match there.
        await http()
          .post('/api/v1/clients')
          .auth(other.peerA1.token, bearer)
          .send(again)
          .expect(201);
      });

      it('should answer exactly the limit of 50 parallel probes with 409 and the rest 429, create nothing, then hold every create until the window ends', async () => {
        const o = await createTestOrg(t.app);
        const target = await createClient(t.dataSource, {
          organizationId: o.id,
          specialistId: o.peerA1.id,
          identifiers: [medicaid()],
        });
        const [{ system, value }] = await t.dataSource.query(
          `SELECT system, value FROM client_identifier WHERE client_id = $1`,
          [target],
        );
        const probe = newClient({ identifiers: [{ system, value }] });
        const results = await Promise.all(
          Array.from({ length: 50 }, () =>
            http().post('/api/v1/clients').auth(o.peerA2.token, bearer).send(probe),
          ),
        );
        const conflicts = results.filter((r) => r.status === 409);
        const limited = results.filter((r) => r.status === 429);
        expect(conflicts).toHaveLength(10);
        expect(limited).toHaveLength(40);
        for (const r of conflicts)
          expect(r.body).toEqual(problem(409, 'DUPLICATE_CLIENT', outOfScope));
        for (const r of limited) {
          expect(r.body).toEqual(
            problem(429, 'RATE_LIMITED', 'Too many duplicate-client matches; try again later.'),
          );
          expect(Number(r.headers['retry-after'])).toBeGreaterThan(3500);
          expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(3600);
        }
        expect(await clientsNamed(probe.lastName)).toBe(0);
        expect(await probes(o.peerA2.id, target)).toHaveLength(10);
        // A brand-new person is held too: a 429 only on a match would say there is one.
        await http()
          .post('/api/v1/clients')
          .auth(o.peerA2.token, bearer)
          .send(newClient())
          .expect(429);
        // Setting identifiers is held too; other edits are not.
        const own = await createClient(t.dataSource, {
          organizationId: o.id,
          specialistId: o.peerA2.id,
        });
        const edit = (body: object) =>
          http()
            .patch(`/api/v1/clients/${own}`)
            .set('If-Match', '"1"')
            .auth(o.peerA2.token, bearer)
            .send(body);
        await edit({ identifiers: [medicaid()] }).expect(429);
        await edit({ pronouns: 'she/her' }).expect(200);
        // The limit is per user: a colleague still creates clients.
        await http()
          .post('/api/v1/clients')
          .auth(o.peerA1.token, bearer)
          .send(newClient())
          .expect(201);
      });
    });

    it('should let a supervisor create a name-and-birth-date duplicate with allowDuplicate, never an identifier one', async () => {
      const first = await http()
        .post('/api/v1/clients')
        .auth(org.peerA1.token, bearer)
        .send(newClient())
        .expect(201);
      const dup = newClient({ lastName: first.body.lastName, allowDuplicate: true });
      const res = await http()
        .post('/api/v1/clients')
        .auth(org.supervisorA.token, bearer)
        .send(dup)
        .expect(201);
      expect(res.body.primarySpecialistId).toBeNull();
      const again = newClient({ identifiers: first.body.identifiers, allowDuplicate: true });
      const refused = await http()
        .post('/api/v1/clients')
        .auth(org.supervisorA.token, bearer)
        .send(again)
        .expect(409);
      expect(refused.body.existingClientId).toBe(first.body.id);
    });

    it('should create one client of ten parallel identical requests', async () => {
      const body = newClient();
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          http().post('/api/v1/clients').auth(org.peerA2.token, bearer).send(body),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
      const [row] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM client WHERE last_name = $1`,
        [body.lastName],
      );
      expect(row.n).toBe(1);
    });

    it('should hold a peer to the caseload cap, counting clients not closed', async () => {
      const o = await createTestOrg(t.app);
      await t.dataSource.query(
        `UPDATE organization SET settings = '{"caseloadCap": 2}' WHERE id = $1`,
        [o.id],
      );
      await createClient(t.dataSource, { organizationId: o.id, specialistId: o.peerA1.id });
      await createClient(t.dataSource, {
        organizationId: o.id,
        specialistId: o.peerA1.id,
        status: 'closed',
      });
      await http()
        .post('/api/v1/clients')
        .auth(o.peerA1.token, bearer)
        .send(newClient())
        .expect(201);
      const res = await http()
        .post('/api/v1/clients')
        .auth(o.peerA1.token, bearer)
        .send(newClient())
        .expect(422);
      expect(res.body).toEqual(
        problem(
          422,
          'CASELOAD_CAP_EXCEEDED',
          'The specialist’s caseload is at its cap; a supervisor’s override is required.',
        ),
      );
      const sup = await http()
        .post('/api/v1/clients')
        .auth(o.supervisorA.token, bearer)
        .send(newClient({ primarySpecialistId: o.peerA1.id }))
        .expect(422);
      expect(sup.body.code).toBe('CASELOAD_CAP_EXCEEDED');
      const over = await http()
        .post('/api/v1/clients')
        .auth(o.supervisorA.token, bearer)
        .send(newClient({ primarySpecialistId: o.peerA1.id, overrideCaseloadCap: true }))
        .expect(201);
      expect(over.body.primarySpecialistId).toBe(o.peerA1.id);
    });

    it('should answer 422 when a supervisor assigns a specialist outside their teams', async () => {
      const res = await http()
        .post('/api/v1/clients')
        .auth(org.supervisorA.token, bearer)
        .send(newClient({ primarySpecialistId: org.peerB1.id }))
        .expect(422);
      expect(res.body).toEqual(
        problem(
          422,
          'SPECIALIST_NOT_ASSIGNABLE',
          'The specialist must be an active peer specialist on a team you supervise.',
        ),
      );
    });
  });

  describe('GET /api/v1/clients/:id', () => {
    let clientId: string;
    beforeAll(async () => {
      clientId = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
        identifiers: [{ system: 'urn:test:medicaid', value: `MCD-${randomUUID()}` }],
      });
    });

    it('should answer 401 without a token', async () => {
      await http().get(`/api/v1/clients/${clientId}`).expect(401);
    });

    it('should answer 404, identical to a nonexistent id, outside the caller’s scope', async () => {
      const missing = await http()
        .get(`/api/v1/clients/${randomUUID()}`)
        .auth(org.peerA2.token, bearer)
        .expect(404);
      expect(missing.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      for (const caller of [org.peerA2, org.peerB1, org.supervisorB, other.admin]) {
        const res = await http()
          .get(`/api/v1/clients/${clientId}`)
          .auth(caller.token, bearer)
          .expect(404);
        expect({ ...res.body, correlationId: 'x' }).toEqual({
          ...missing.body,
          correlationId: 'x',
        });
      }
    });

    it('should answer 400 for a malformed id', async () => {
      const res = await http()
        .get('/api/v1/clients/nope')
        .auth(org.peerA1.token, bearer)
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'id', message: 'id must be a UUID' },
        ]),
      );
    });

    it('should let the specialist, their supervisor, an admin and a covering peer read it, each audited', async () => {
      for (const caller of [org.peerA1, org.supervisorA, org.admin]) {
        const res = await http()
          .get(`/api/v1/clients/${clientId}`)
          .auth(caller.token, bearer)
          .expect(200);
        expect(res.body.id).toBe(clientId);
        expect(res.headers.etag).toBe('"1"');
        expect(
          await countAuditEvents(t.dataSource, {
            action: 'client.read',
            actorId: caller.id,
            clientId,
          }),
        ).toBe(1);
      }
      await createCoverage(t.dataSource, {
        clientId,
        specialistId: org.peerB1.id,
        endsAt: new Date(Date.now() + 3_600_000),
      });
      await http().get(`/api/v1/clients/${clientId}`).auth(org.peerB1.token, bearer).expect(200);
    });
  });

  describe('PATCH /api/v1/clients/:id', () => {
    let clientId: string;
    beforeEach(async () => {
      clientId = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
      });
    });
    const patch = (id: string, token: string, body: object, etag = '"1"') =>
      http().patch(`/api/v1/clients/${id}`).set('If-Match', etag).auth(token, bearer).send(body);

    it('should answer 401 without a token and 403 for an admin', async () => {
      await http()
        .patch(`/api/v1/clients/${clientId}`)
        .set('If-Match', '"1"')
        .send({ pronouns: 'she/her' })
        .expect(401);
      await patch(clientId, org.admin.token, { pronouns: 'she/her' }).expect(403);
    });

    it('should answer 404 outside scope and 428 without If-Match', async () => {
      const res = await patch(clientId, org.peerA2.token, { pronouns: 'she/her' }).expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      await http()
        .patch(`/api/v1/clients/${clientId}`)
        .auth(org.peerA1.token, bearer)
        .send({ pronouns: 'x' })
        .expect(428);
    });

    it('should reject primarySpecialistId, organizationId and nulls in required fields with 400', async () => {
      const res = await patch(clientId, org.supervisorA.token, {
        primarySpecialistId: org.peerA2.id,
        organizationId: other.id,
        firstName: null,
      }).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'firstName', message: 'firstName must be a string' },
          { field: 'organizationId', message: 'property organizationId should not exist' },
          {
            field: 'primarySpecialistId',
            message: 'property primarySpecialistId should not exist',
          },
        ]),
      );
    });

    it('should update the fields and identifiers, bump the version and audit', async () => {
      const body = {
        preferredName: 'Lex',
        status: 'inactive',
        email: 'lex@example.test',
        recoveryStartDate: '2025-01-02',
        part2NoticeAcknowledgedOn: '2026-01-05',
        identifiers: [{ system: 'urn:test:mrn', value: `MRN-${randomUUID()}` }],
      };
      const res = await patch(clientId, org.peerA1.token, body).expect(200);
      expect(res.body).toMatchObject({ ...body, version: 2, primarySpecialistId: org.peerA1.id });
      expect(res.headers.etag).toBe('"2"');
      const [row] = await t.dataSource.query(
        `SELECT status, preferred_name, part2_notice_acknowledged_on::text AS ack FROM client WHERE id = $1`,
        [clientId],
      );
      expect(row).toEqual({ status: 'inactive', preferred_name: 'Lex', ack: '2026-01-05' });
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'client.update',
          actorId: org.peerA1.id,
          clientId,
        }),
      ).toBe(1);
      await patch(clientId, org.peerA1.token, { pronouns: 'he/him' }, '"1"').expect(412);
    });

    it('should cancel the open follow-ups when the client is closed, and leave completed ones', async () => {
      const due = new Date(Date.now() + 86_400_000);
      const common = { organizationId: org.id, clientId, ownerId: org.peerA1.id, dueAt: due };
      const open = await createFollowUp(t.dataSource, common);
      const held = await createFollowUp(t.dataSource, { ...common, status: 'on-hold' });
      const done = await createFollowUp(t.dataSource, { ...common, status: 'completed' });
      const res = await patch(clientId, org.peerA1.token, { status: 'closed' }).expect(200);
      expect(res.body.status).toBe('closed');
      const rows = await t.dataSource.query(
        `SELECT id, status FROM follow_up WHERE client_id = $1`,
        [clientId],
      );
      expect(
        Object.fromEntries(rows.map((r: { id: string; status: string }) => [r.id, r.status])),
      ).toEqual({
        [open]: 'cancelled',
        [held]: 'cancelled',
        [done]: 'completed',
      });
    });

    it('should hold reopening a closed client to the cap, for supervisors too, unless they override', async () => {
      const o = await createTestOrg(t.app);
      await t.dataSource.query(
        `UPDATE organization SET settings = '{"caseloadCap": 1}' WHERE id = $1`,
        [o.id],
      );
      await createClient(t.dataSource, { organizationId: o.id, specialistId: o.peerA1.id });
      const closed = await createClient(t.dataSource, {
        organizationId: o.id,
        specialistId: o.peerA1.id,
        status: 'closed',
      });
      for (const who of [o.peerA1, o.supervisorA]) {
        const res = await patch(closed, who.token, { status: 'active' }).expect(422);
        expect(res.body.code).toBe('CASELOAD_CAP_EXCEEDED');
      }
      const peerOverride = await patch(closed, o.peerA1.token, {
        status: 'active',
        overrideCaseloadCap: true,
      }).expect(403);
      expect(peerOverride.body).toEqual(
        problem(
          403,
          'FORBIDDEN',
          'Only a supervisor may set primarySpecialistId, allowDuplicate or overrideCaseloadCap.',
        ),
      );
      const [still] = await t.dataSource.query(`SELECT status, version FROM client WHERE id = $1`, [
        closed,
      ]);
      expect(still).toEqual({ status: 'closed', version: 1 });
      const over = await patch(closed, o.supervisorA.token, {
        status: 'active',
        overrideCaseloadCap: true,
      }).expect(200);
      expect(over.body.status).toBe('active');
    });

    it('should let exactly one of 20 parallel updates with one ETag win', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          patch(clientId, org.peerA1.token, { preferredName: `P${i}` }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(19);
    });

    it('should answer 409 when the new identifier belongs to another client', async () => {
      const taken = { system: 'urn:test:mrn', value: `MRN-${randomUUID()}` };
      const holder = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA2.id,
        identifiers: [taken],
      });
      const res = await patch(clientId, org.peerA1.token, { identifiers: [taken] }).expect(409);
      // The holder is a colleague's client: the caller learns there is a match, not which.
      expect(res.body).toEqual(
        problem(
          409,
          'DUPLICATE_CLIENT',
          'A matching client already exists outside your scope; a supervisor can assign it to you.',
        ),
      );
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'client.duplicate-probe',
          actorId: org.peerA1.id,
          clientId: holder,
        }),
      ).toBe(1);
      const own = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
        identifiers: [{ system: 'urn:test:mrn', value: `MRN-${randomUUID()}` }],
      });
      const [ownId] = await t.dataSource.query(
        `SELECT system, value FROM client_identifier WHERE client_id = $1`,
        [own],
      );
      const mine = await patch(clientId, org.peerA1.token, { identifiers: [ownId] }).expect(409);
      expect(mine.body.existingClientId).toBe(own);
    });
  });

  describe('GET /api/v1/clients', () => {
    let o: TestOrg;
    const ids: Record<string, string> = {};
    beforeAll(async () => {
      o = await createTestOrg(t.app);
      const old = new Date(Date.now() - 30 * 86_400_000);
      ids.recent = await createClient(t.dataSource, {
        organizationId: o.id,
        specialistId: o.peerA1.id,
        firstName: 'Marisol',
        lastName: 'Quintero',
        lastContactAt: new Date(),
      });
      ids.stale = await createClient(t.dataSource, {
        organizationId: o.id,
        specialistId: o.peerA1.id,
        firstName: 'Dev',
        lastName: 'Okafor',
        lastContactAt: old,
        identifiers: [{ system: 'urn:mrn', value: 'A|1' }],
      });
      ids.never = await createClient(t.dataSource, {
        organizationId: o.id,
        specialistId: o.peerA2.id,
        firstName: 'Kim',
        lastName: 'Marsh',
        status: 'referred',
      });
      ids.queue = await createClient(t.dataSource, {
        organizationId: o.id,
        specialistId: null,
        firstName: 'Lee',
        lastName: 'Unassigned',
      });
      ids.released = await createClient(t.dataSource, {
        organizationId: o.id,
        specialistId: null,
        firstName: 'Ray',
        lastName: 'Released',
        needsReassignment: true,
      });
      ids.teamB = await createClient(t.dataSource, {
        organizationId: o.id,
        specialistId: o.peerB1.id,
        firstName: 'Bo',
        lastName: 'Bee',
      });
    });
    const list = async (token: string, qs = '') => {
      const res = await http()
        .get(`/api/v1/clients?limit=100${qs}`)
        .auth(token, bearer)
        .expect(200);
      return res.body.items.map((c: { id: string }) => c.id).sort();
    };

    it('should answer 401 without a token', async () => {
      await http().get('/api/v1/clients').expect(401);
    });

    it('should answer 400 with the exact errors', async () => {
      const res = await http()
        .get('/api/v1/clients?limit=101&assigned=maybe&noContactDays=-1')
        .auth(o.supervisorA.token, bearer)
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'assigned', message: 'assigned must be a boolean value' },
          { field: 'limit', message: 'limit must not be greater than 100' },
          { field: 'noContactDays', message: 'noContactDays must not be less than 0' },
        ]),
      );
    });

    it('should return only the caller’s scope, audited once per list', async () => {
      expect(await list(o.peerA1.token)).toEqual([ids.recent, ids.stale].sort());
      expect(await list(o.supervisorA.token)).toEqual(
        [ids.recent, ids.stale, ids.never, ids.queue, ids.released].sort(),
      );
      expect(await list(o.supervisorB.token)).toEqual([ids.teamB, ids.queue, ids.released].sort());
      expect(await list(o.admin.token)).toEqual(Object.values(ids).sort());
      // One read event naming every client on the page (SPEC 9), in the admin's list read.
      const audited = await t.dataSource.query(
        `SELECT client_id, client_ids FROM audit_event WHERE action = 'client.list' AND actor_id = $1`,
        [o.admin.id],
      );
      expect(audited).toHaveLength(1);
      expect(audited[0].client_id).toBeNull();
      expect([...audited[0].client_ids].sort()).toEqual(Object.values(ids).sort());
    });

    it('should filter by name fragment, identifier, status, specialist, contact age and queues', async () => {
      const sup = o.supervisorA.token;
      expect(await list(sup, '&q=mars')).toEqual([ids.never]);
      expect(await list(sup, '&q=ma')).toEqual([ids.recent, ids.never].sort());
      expect(await list(sup, `&identifier=${encodeURIComponent('urn:mrn|A|1')}`)).toEqual([
        ids.stale,
      ]);
      expect(await list(sup, '&status=referred')).toEqual([ids.never]);
      expect(await list(sup, `&specialistId=${o.peerA1.id}`)).toEqual(
        [ids.recent, ids.stale].sort(),
      );
      expect(await list(sup, `&specialistId=${o.peerA1.id}&noContactDays=14`)).toEqual([ids.stale]);
      expect(await list(sup, '&assigned=false')).toEqual([ids.queue, ids.released].sort());
      expect(await list(sup, '&needsReassignment=true')).toEqual([ids.released]);
      expect(await list(sup, '&q=100%25')).toEqual([]);
    });

    it('should answer 404 to a filter on a specialist the caller may not see, as reading them would', async () => {
      const specialistNotFound = problem(404, 'NOT_FOUND', 'Specialist not found.');
      const filtered = (token: string, path: string) => http().get(path).auth(token, bearer);
      for (const [token, path] of [
        [o.supervisorB.token, `/api/v1/clients?specialistId=${o.peerA1.id}`],
        [o.peerA2.token, `/api/v1/clients?specialistId=${o.peerA1.id}`],
        [o.peerA2.token, `/api/v1/session-notes?authorId=${o.peerA1.id}`],
        [o.peerA2.token, `/api/v1/clients?specialistId=${randomUUID()}`],
      ]) {
        const res = await filtered(token, path).expect(404);
        expect(res.body).toEqual(specialistNotFound);
      }
      // Covering one of peerA1's clients, peerA2 may filter on peerA1, and sees only the covered one.
      await createCoverage(t.dataSource, {
        clientId: ids.recent,
        specialistId: o.peerA2.id,
        endsAt: new Date(Date.now() + 3_600_000),
      });
      const covered = await filtered(
        o.peerA2.token,
        `/api/v1/clients?specialistId=${o.peerA1.id}`,
      ).expect(200);
      expect(covered.body.items.map((c: { id: string }) => c.id)).toEqual([ids.recent]);
      await filtered(o.peerA2.token, `/api/v1/session-notes?authorId=${o.peerA1.id}`).expect(200);
      await filtered(o.peerA1.token, `/api/v1/session-notes?authorId=${o.peerA1.id}`).expect(200);
    });

    it('should answer 400 INVALID_CURSOR, never 500 nor a page, for a cursor it did not issue to the caller', async () => {
      const unsigned = (key: string, id: string) =>
        Buffer.from(JSON.stringify([key, id])).toString('base64url');
      // A real cursor of peerA1's list, and one of another organization's client.
      const mine = await http()
        .get('/api/v1/clients?limit=1')
        .auth(o.peerA1.token, bearer)
        .expect(200);
      const foreign = await createClient(t.dataSource, { organizationId: other.id });
      const [payload, mac] = (mine.body.nextCursor as string).split('.');
      for (const [token, cursor] of [
        [o.peerA1.token, 'random-text'],
        [o.peerA1.token, unsigned('x', 'not-a-uuid')],
        [o.peerA1.token, unsigned(new Date().toISOString(), foreign)],
        [o.peerA1.token, `${unsigned(new Date().toISOString(), foreign)}.${mac}`],
        [o.peerA1.token, `${payload}.${mac.replace(/^./, (ch) => (ch === 'A' ? 'B' : 'A'))}`],
        [o.supervisorA.token, mine.body.nextCursor],
      ]) {
        const res = await http().get('/api/v1/clients').query({ cursor }).auth(token, bearer);
        expect({ status: res.status, body: res.body }).toEqual({
          status: 400,
          body: INVALID_CURSOR,
        });
      }
    });

    it('should page newest first with a cursor, without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await http()
          .get(`/api/v1/clients?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .auth(o.admin.token, bearer)
          .expect(200);
        seen.push(...res.body.items.map((c: { id: string }) => c.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(6);
      expect([...seen].reverse()).toEqual([
        ids.recent,
        ids.stale,
        ids.never,
        ids.queue,
        ids.released,
        ids.teamB,
      ]);
    });
  });
});
