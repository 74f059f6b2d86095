import { randomUUID } from 'node:crypto';

import { Client as PgClient } from 'pg';
import request from 'supertest';

import { createCertification, createClient, createFollowUp } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { countAuditEvents } from '../helpers/audit';
import { bearer } from '../helpers/http';
import { INVALID_CURSOR, problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

const DAY = 86_400_000;
const daysFromNow = (n: number) => new Date(Date.now() + n * DAY);
const dateFromNow = (n: number) => daysFromNow(n).toISOString().slice(0, 10);

describe('caseloads (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  const http = () => request(t.app.getHttpServer());
  const c: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    other = await createTestOrg(t.app);
    const ds = t.dataSource;
    c.fresh = await createClient(ds, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
      lastName: 'Adams',
      lastContactAt: new Date(),
    });
    c.silent = await createClient(ds, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
      lastName: 'Baker',
      lastContactAt: daysFromNow(-20),
    });
    c.never = await createClient(ds, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
      lastName: 'Cruz',
    });
    await createClient(ds, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
      status: 'closed',
    });
    await createClient(ds, { organizationId: org.id, specialistId: org.peerB1.id });
    await createFollowUp(ds, {
      organizationId: org.id,
      clientId: c.silent,
      ownerId: org.peerA1.id,
      dueAt: daysFromNow(-2),
    });
    await createFollowUp(ds, {
      organizationId: org.id,
      clientId: c.silent,
      ownerId: org.peerA1.id,
      dueAt: daysFromNow(3),
    });
    await createFollowUp(ds, {
      organizationId: org.id,
      clientId: c.fresh,
      ownerId: org.peerA1.id,
      dueAt: daysFromNow(-1),
      status: 'completed',
    });
    await createFollowUp(ds, {
      organizationId: org.id,
      clientId: c.fresh,
      ownerId: org.peerA1.id,
      dueAt: daysFromNow(5),
    });
    await createCertification(ds, {
      organizationId: org.id,
      userId: org.peerA1.id,
      expiresOn: dateFromNow(30),
    });
    await createCertification(ds, {
      organizationId: org.id,
      userId: org.peerA2.id,
      expiresOn: dateFromNow(-1),
    });
    const note = `INSERT INTO session_note (organization_id, client_id, author_id, started_at, ended_at, contact_type, format, status, signed_at, content_hash)
      VALUES ($1, $2, $3, $4, $4, 'phone', 'narrative', $5, $6, $7)`;
    await ds.query(note, [org.id, c.fresh, org.peerA1.id, daysFromNow(-4), 'draft', null, null]);
    await ds.query(note, [org.id, c.fresh, org.peerA1.id, daysFromNow(-1), 'draft', null, null]);
    await ds.query(note, [
      org.id,
      c.fresh,
      org.peerA1.id,
      daysFromNow(-1),
      'signed',
      new Date(),
      'hash',
    ]);
    await ds.query(
      `INSERT INTO recovery_plan (organization_id, client_id, title, status, start_date, review_due_at) VALUES ($1, $2, 'Plan', 'active', $3, $4)`,
      [org.id, c.silent, dateFromNow(-100), dateFromNow(-10)],
    );
    // A relapse-prevention plan written 100 days ago and never reviewed with the client, and
    // one reviewed last week: only the first is overdue.
    const relapsePlan = `INSERT INTO relapse_prevention_plan (organization_id, client_id, last_reviewed_on,
        last_reviewed_by_id, created_by_id, updated_by_id, created_at)
      VALUES ($1, $2, $3::date, CASE WHEN $3::date IS NULL THEN NULL ELSE $4::uuid END, $4, $4, $5)`;
    await ds.query(relapsePlan, [org.id, c.silent, null, org.peerA1.id, daysFromNow(-100)]);
    await ds.query(relapsePlan, [
      org.id,
      c.fresh,
      dateFromNow(-7),
      org.peerA1.id,
      daysFromNow(-300),
    ]);
  });
  afterAll(() => t.close());

  // Statements the app sends to Postgres, minus the token's session check (cached, not ours).
  const countStatements = async (run: () => Promise<unknown>): Promise<string[]> => {
    const seen: string[] = [];
    const original = PgClient.prototype.query;
    const spy = jest.spyOn(PgClient.prototype, 'query').mockImplementation(function (
      this: PgClient,
      ...args: unknown[]
    ) {
      const text =
        typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string })?.text ?? '');
      if (!text.includes('auth_session')) seen.push(text);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as never);
    try {
      await run();
    } finally {
      spy.mockRestore();
    }
    return seen;
  };

  describe('GET /api/v1/caseloads', () => {
    it('should answer 401 without a token and 403 for a peer', async () => {
      await http().get('/api/v1/caseloads').expect(401);
      const res = await http().get('/api/v1/caseloads').auth(org.peerA1.token, bearer).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 400 above the maximum page size and for a forged cursor', async () => {
      const res = await http()
        .get('/api/v1/caseloads?limit=101')
        .auth(org.admin.token, bearer)
        .expect(400);
      expect(res.body.errors).toEqual([
        { field: 'limit', message: 'limit must not be greater than 100' },
      ]);
      const forged = Buffer.from(JSON.stringify(['{', randomUUID()])).toString('base64url');
      const bad = await http()
        .get(`/api/v1/caseloads?cursor=${forged}`)
        .auth(org.admin.token, bearer)
        .expect(400);
      expect(bad.body).toEqual(INVALID_CURSOR);
    });

    it('should summarize each specialist on the supervisor’s teams', async () => {
      const res = await http()
        .get('/api/v1/caseloads')
        .auth(org.supervisorA.token, bearer)
        .expect(200);
      const byId = Object.fromEntries(
        res.body.items.map((i: { specialistId: string }) => [i.specialistId, i]),
      );
      expect(Object.keys(byId).sort()).toEqual([org.peerA1.id, org.peerA2.id].sort());
      expect(byId[org.peerA1.id]).toEqual({
        specialistId: org.peerA1.id,
        firstName: 'Test',
        lastName: 'User',
        active: true,
        activeClients: 3,
        caseloadCap: 25,
        noContact14Days: 2,
        overdueFollowUps: 1,
        followUpCompletionRate: 0.5,
        unsignedNotesOver72Hours: 1,
        notesAwaitingReview: 1,
        plansPastReview: 1,
        relapsePlansNotReviewed90Days: 1,
        certificationStatus: 'expiring',
        credential: 'CPRS',
        certificationExpiresOn: dateFromNow(30),
      });
      expect(byId[org.peerA2.id]).toMatchObject({
        activeClients: 0,
        certificationStatus: 'expired',
        followUpCompletionRate: null,
      });
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'caseload.list',
          actorId: org.supervisorA.id,
        }),
      ).toBe(1);
    });

    it('should give an admin every specialist of the organization, paged', async () => {
      const page1 = await http()
        .get('/api/v1/caseloads?limit=2')
        .auth(org.admin.token, bearer)
        .expect(200);
      expect(page1.body.items).toHaveLength(2);
      const page2 = await http()
        .get(`/api/v1/caseloads?limit=2&cursor=${page1.body.nextCursor}`)
        .auth(org.admin.token, bearer)
        .expect(200);
      const ids = [...page1.body.items, ...page2.body.items].map(
        (i: { specialistId: string }) => i.specialistId,
      );
      expect(ids.sort()).toEqual([org.peerA1.id, org.peerA2.id, org.peerB1.id].sort());
      expect(page2.body.nextCursor).toBeNull();
    });

    it('should read the summary in one statement plus its audit event', async () => {
      const sql = await countStatements(() =>
        http().get('/api/v1/caseloads').auth(org.supervisorA.token, bearer).expect(200),
      );
      expect(sql).toHaveLength(2);
      expect(sql[1]).toMatch(/INSERT INTO audit_event/);
    });
  });

  describe('GET /api/v1/caseloads/:specialistId', () => {
    it('should answer 401 without a token and 403 for a peer, even about themself', async () => {
      await http().get(`/api/v1/caseloads/${org.peerA1.id}`).expect(401);
      await http()
        .get(`/api/v1/caseloads/${org.peerA1.id}`)
        .auth(org.peerA1.token, bearer)
        .expect(403);
    });

    it('should answer 404, as for a nonexistent id, outside the caller’s scope', async () => {
      const missing = await http()
        .get(`/api/v1/caseloads/${randomUUID()}`)
        .auth(org.supervisorA.token, bearer)
        .expect(404);
      expect(missing.body).toEqual(problem(404, 'NOT_FOUND', 'Specialist not found.'));
      for (const [caller, id] of [
        [org.supervisorA, org.peerB1.id],
        [org.supervisorA, org.supervisorB.id],
        [other.admin, org.peerA1.id],
      ] as const) {
        const res = await http()
          .get(`/api/v1/caseloads/${id}`)
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
        .get('/api/v1/caseloads/nope')
        .auth(org.admin.token, bearer)
        .expect(400);
      expect(res.body.errors).toEqual([
        { field: 'specialistId', message: 'specialistId must be a UUID' },
      ]);
    });

    it('should list the specialist’s open clients with last contact and next follow-up, audited', async () => {
      const res = await http()
        .get(`/api/v1/caseloads/${org.peerA1.id}`)
        .auth(org.supervisorA.token, bearer)
        .expect(200);
      expect(res.body).toMatchObject({
        specialistId: org.peerA1.id,
        activeClients: 3,
        overdueFollowUps: 1,
      });
      expect(res.body.clients.map((x: { id: string }) => x.id)).toEqual([
        c.fresh,
        c.silent,
        c.never,
      ]);
      const [fresh, silent, never] = res.body.clients;
      expect(fresh).toEqual({
        id: c.fresh,
        firstName: 'Testy',
        lastName: 'Adams',
        preferredName: null,
        status: 'active',
        needsReassignment: false,
        lastContactAt: expect.stringMatching(/Z$/),
        nextFollowUpDueAt: expect.stringMatching(/Z$/),
        overdueFollowUps: 0,
        relapsePlanReviewOverdue: false,
      });
      expect(new Date(silent.nextFollowUpDueAt).getTime()).toBeLessThan(Date.now());
      expect(silent.overdueFollowUps).toBe(1);
      expect(silent.relapsePlanReviewOverdue).toBe(true);
      expect(never.relapsePlanReviewOverdue).toBe(false);
      expect(never).toMatchObject({ lastContactAt: null, nextFollowUpDueAt: null });
      // One read event naming every client the caseload showed (SPEC 9) and the specialist.
      const audit = await t.dataSource.query(
        `SELECT client_id, client_ids FROM audit_event WHERE action = 'caseload.read' AND resource_id = $1 AND actor_id = $2`,
        [org.peerA1.id, org.supervisorA.id],
      );
      expect(audit).toHaveLength(1);
      expect(audit[0].client_id).toBeNull();
      expect([...audit[0].client_ids].sort()).toEqual([c.fresh, c.silent, c.never].sort());
    });

    it('should check scope and drill down in at most two statements, audit included', async () => {
      const sql = await countStatements(() =>
        http()
          .get(`/api/v1/caseloads/${org.peerA1.id}`)
          .auth(org.supervisorA.token, bearer)
          .expect(200),
      );
      expect(sql.length).toBeLessThanOrEqual(2);
      const denied = await countStatements(() =>
        http()
          .get(`/api/v1/caseloads/${org.peerB1.id}`)
          .auth(org.supervisorA.token, bearer)
          .expect(404),
      );
      expect(denied.length).toBeLessThanOrEqual(2);
    });
  });
});
