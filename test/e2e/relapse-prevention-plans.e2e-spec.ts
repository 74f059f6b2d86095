import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createCertification, createClient, createCoverage } from '../factories/client.factory';
import { createTestOrg, TestOrg, TestUser } from '../factories/people.factory';
import { countAuditEvents } from '../helpers/audit';
import { bearer } from '../helpers/http';
import { INVALID_CURSOR, problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

const DAY = 86_400_000;
const dateFromNow = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

const PLAN = {
  triggers: ['Payday weekends', 'Driving past my old block'],
  warningSigns: ['Skipping meetings', 'Not answering my sister'],
  copingStrategies: ['Walk the dog', 'Play guitar for twenty minutes'],
  peopleToCall: [
    { name: 'Dana', relationship: 'sponsor', phone: '+1-555-0101', when: 'Any time I want to use' },
  ],
  helpfulPlaces: [
    { name: 'Tuesday NA at the library', kind: 'meeting', details: '7 pm, side door' },
    { name: 'Riverside park' },
  ],
  reasonsForRecovery: ['My kids', 'Finishing my GED'],
};

const DEFAULT_CRISIS = {
  crisisSteps: [
    'Call or text 988, the Suicide & Crisis Lifeline, at any hour',
    'If my life or someone else’s is in immediate danger, call 911',
  ],
  crisisContacts: [{ name: '988 Suicide & Crisis Lifeline (call or text)', phone: '988' }],
};

describe('relapse-prevention plans (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let mine: string; // peerA1's client
  let theirs: string; // peerB1's client (another team)
  let teammates: string; // peerA2's client (same team)
  const http = () => request(t.app.getHttpServer());
  const url = (clientId: string) => `/api/v1/clients/${clientId}/relapse-prevention-plan`;
  const clientOf = (u: TestUser) =>
    createClient(t.dataSource, { organizationId: org.id, specialistId: u.id });
  const put = (clientId: string, user: TestUser, body: object, ifMatch?: string) => {
    const req = http().put(url(clientId)).auth(user.token, bearer);
    if (ifMatch) req.set('If-Match', ifMatch);
    return req.send(body);
  };
  const planRow = (clientId: string) =>
    t.dataSource.query(
      `SELECT id, version, last_reviewed_on::text AS reviewed, last_reviewed_by_id AS reviewer,
         created_by_id, updated_by_id FROM relapse_prevention_plan WHERE client_id = $1`,
      [clientId],
    );
  const versionRows = (planId: string) =>
    t.dataSource.query(
      `SELECT version, content, author_id, reviewed_on::text AS reviewed_on, reviewed_by_id
       FROM relapse_prevention_plan_version WHERE plan_id = $1 ORDER BY version`,
      [planId],
    );

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    mine = await clientOf(org.peerA1);
    theirs = await clientOf(org.peerB1);
    teammates = await clientOf(org.peerA2);
  });
  afterAll(() => t.close());

  describe('PUT /api/v1/clients/:id/relapse-prevention-plan', () => {
    it('should answer 401 without a token', async () => {
      await http().put(url(mine)).send(PLAN).expect(401);
    });

    it('should answer 403 for an admin, who never reads or writes clinical narratives', async () => {
      const res = await put(mine, org.admin, PLAN).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 404 for a client outside the caller’s scope, exactly as for none, store nothing and audit the denial', async () => {
      const out = await put(theirs, org.peerA1, PLAN).expect(404);
      const teammate = await put(teammates, org.peerA1, PLAN).expect(404);
      const none = await put(randomUUID(), org.peerA1, PLAN).expect(404);
      for (const res of [out, teammate, none]) {
        expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      }
      expect(await planRow(theirs)).toEqual([]);
      expect(await planRow(teammates)).toEqual([]);
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'client.access',
          actorId: org.peerA1.id,
          resourceId: theirs,
          outcome: 'denied',
        }),
      ).toBe(1);
    });

    it('should answer 400 with the exact errors', async () => {
      const client = await clientOf(org.peerA1);
      const res = await put(client, org.peerA1, {
        triggers: 'payday',
        warningSigns: [''],
        peopleToCall: [{ relationship: 'sponsor' }],
        helpfulPlaces: [{ name: 'Park', kind: 'bar' }],
        crisisContacts: [{ name: 'Mobile crisis' }],
        reviewedWithClientOn: 'yesterday',
        clientId: theirs,
      }).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'clientId', message: 'property clientId should not exist' },
          { field: 'crisisContacts.0.phone', message: 'phone must be a string' },
          {
            field: 'helpfulPlaces.0.kind',
            message: 'kind must be one of the following values: place, meeting',
          },
          { field: 'peopleToCall.0.name', message: 'name must be a string' },
          {
            field: 'reviewedWithClientOn',
            message: 'reviewedWithClientOn must be a date (YYYY-MM-DD)',
          },
          { field: 'triggers', message: 'triggers must be an array' },
          {
            field: 'warningSigns',
            message: 'each value in warningSigns must be longer than or equal to 1 characters',
          },
        ]),
      );
      expect(await planRow(client)).toEqual([]);
    });

    it('should answer 400 for a review dated in the future', async () => {
      const client = await clientOf(org.peerA1);
      const res = await put(client, org.peerA1, {
        ...PLAN,
        reviewedWithClientOn: dateFromNow(2),
      }).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'reviewedWithClientOn',
            message: 'reviewedWithClientOn must not be in the future',
          },
        ]),
      );
      expect(await planRow(client)).toEqual([]);
    });

    it('should create the first version without If-Match (201, ETag, 988 by default) and store and audit it', async () => {
      const client = await clientOf(org.peerA1);
      const res = await put(client, org.peerA1, PLAN).expect(201);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toEqual({
        id: expect.any(String),
        clientId: client,
        version: 1,
        ...PLAN,
        helpfulPlaces: [
          { name: 'Tuesday NA at the library', kind: 'meeting', details: '7 pm, side door' },
          { name: 'Riverside park', kind: 'place', details: null },
        ],
        ...DEFAULT_CRISIS,
        lastReviewedOn: null,
        lastReviewedById: null,
        reviewDueOn: dateFromNow(90),
        reviewOverdue: false,
        createdById: org.peerA1.id,
        updatedById: org.peerA1.id,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(await planRow(client)).toEqual([
        {
          id: res.body.id,
          version: 1,
          reviewed: null,
          reviewer: null,
          created_by_id: org.peerA1.id,
          updated_by_id: org.peerA1.id,
        },
      ]);
      const [version] = await versionRows(res.body.id);
      expect(version).toEqual({
        version: 1,
        content: {
          ...PLAN,
          helpfulPlaces: res.body.helpfulPlaces,
          ...DEFAULT_CRISIS,
        },
        author_id: org.peerA1.id,
        reviewed_on: null,
        reviewed_by_id: null,
      });
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'relapse-prevention-plan.create',
          actorId: org.peerA1.id,
          clientId: client,
          resourceId: res.body.id,
        }),
      ).toBe(1);
    });

    it('should keep the local crisis contacts the caller writes instead of the default', async () => {
      const client = await clientOf(org.peerA1);
      const crisis = {
        crisisSteps: ['Call Dana', 'Call or text 988'],
        crisisContacts: [
          { name: '988 Suicide & Crisis Lifeline', phone: '988' },
          { name: 'County mobile crisis team', phone: '+1-555-0199' },
        ],
      };
      const res = await put(client, org.peerA1, { ...crisis }).expect(201);
      expect(res.body).toMatchObject({ ...crisis, triggers: [], peopleToCall: [] });
    });

    it('should answer 428 to a second PUT without If-Match, and keep the plan as it was', async () => {
      const client = await clientOf(org.peerA1);
      const first = await put(client, org.peerA1, PLAN).expect(201);
      const res = await put(client, org.peerA1, { triggers: ['other'] }).expect(428);
      expect(res.body).toEqual(
        problem(
          428,
          'PRECONDITION_REQUIRED',
          'This client already has a relapse-prevention plan: read it and send its ETag in If-Match.',
        ),
      );
      expect(await versionRows(first.body.id)).toHaveLength(1);
    });

    it('should add a version under If-Match, record the review with the client, and keep the old one', async () => {
      const client = await clientOf(org.peerA1);
      const first = await put(client, org.peerA1, PLAN).expect(201);
      const reviewedOn = dateFromNow(-1);
      const res = await put(
        client,
        org.supervisorA,
        { ...PLAN, triggers: ['Payday weekends'], reviewedWithClientOn: reviewedOn },
        '"1"',
      ).expect(200);
      expect(res.headers.etag).toBe('"2"');
      expect(res.body).toMatchObject({
        id: first.body.id,
        version: 2,
        triggers: ['Payday weekends'],
        lastReviewedOn: reviewedOn,
        lastReviewedById: org.supervisorA.id,
        reviewDueOn: dateFromNow(89),
        reviewOverdue: false,
        createdById: org.peerA1.id,
        updatedById: org.supervisorA.id,
      });
      const versions = await versionRows(first.body.id);
      expect(versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
      expect(versions[0].content.triggers).toEqual(PLAN.triggers);
      expect(versions[1]).toMatchObject({
        author_id: org.supervisorA.id,
        reviewed_on: reviewedOn,
        reviewed_by_id: org.supervisorA.id,
      });
      // An older review date recorded later leaves the latest review as the plan's last one.
      const older = await put(
        client,
        org.peerA1,
        { ...PLAN, reviewedWithClientOn: dateFromNow(-30) },
        '"2"',
      ).expect(200);
      expect(older.body).toMatchObject({
        version: 3,
        lastReviewedOn: reviewedOn,
        lastReviewedById: org.supervisorA.id,
      });
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'relapse-prevention-plan.update',
          clientId: client,
          resourceId: first.body.id,
        }),
      ).toBe(2);
    });

    it('should answer 412 for a stale or unparseable If-Match, and for If-Match on a client without a plan', async () => {
      const client = await clientOf(org.peerA1);
      const none = await put(client, org.peerA1, PLAN, '"1"').expect(412);
      expect(none.body).toEqual(
        problem(
          412,
          'PRECONDITION_FAILED',
          'The record changed since you read it; reload and retry.',
        ),
      );
      expect(await planRow(client)).toEqual([]);
      const first = await put(client, org.peerA1, PLAN).expect(201);
      await put(client, org.peerA1, PLAN, '"7"').expect(412);
      await put(client, org.peerA1, PLAN, 'garbage').expect(412);
      expect(await versionRows(first.body.id)).toHaveLength(1);
    });

    it('should let a covering colleague write the plan of a client they cover', async () => {
      const client = await clientOf(org.peerA1);
      await createCoverage(t.dataSource, {
        clientId: client,
        specialistId: org.peerA2.id,
        endsAt: new Date(Date.now() + DAY),
      });
      await put(client, org.peerA2, PLAN).expect(201);
    });

    it('should let exactly one of 50 parallel PUTs with one If-Match win (the others 412)', async () => {
      const client = await clientOf(org.peerA1);
      const first = await put(client, org.peerA1, PLAN).expect(201);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          put(client, org.peerA1, { ...PLAN, triggers: [`Trigger ${i}`] }, '"1"'),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(49);
      const winner = results.find((r) => r.status === 200)!;
      const versions = await versionRows(first.body.id);
      expect(versions).toHaveLength(2);
      expect(versions[1].content.triggers).toEqual(winner.body.triggers);
      expect(await planRow(client)).toMatchObject([{ version: 2 }]);
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'relapse-prevention-plan.update',
          clientId: client,
        }),
      ).toBe(1);
    });

    it('should create exactly one plan from 50 parallel first PUTs (the others 428)', async () => {
      const client = await clientOf(org.peerA1);
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          put(client, org.peerA1, { ...PLAN, triggers: [`First ${i}`] }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 428)).toHaveLength(49);
      const [row] = await planRow(client);
      expect(await versionRows(row.id)).toHaveLength(1);
    });
  });

  describe('GET /api/v1/clients/:id/relapse-prevention-plan', () => {
    let client: string;
    let planId: string;

    beforeAll(async () => {
      client = await clientOf(org.peerA1);
      planId = (await put(client, org.peerA1, PLAN).expect(201)).body.id;
      await put(client, org.peerA1, { ...PLAN, triggers: ['Second'] }, '"1"').expect(200);
    });

    it('should answer 401 without a token', async () => {
      await http().get(url(client)).expect(401);
    });

    it('should answer 403 for an admin (minimum necessary: no narratives)', async () => {
      const res = await http().get(url(client)).auth(org.admin.token, bearer).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 404 outside the caller’s scope, for a missing client, and for a client without a plan', async () => {
      const other = await http().get(url(client)).auth(org.peerB1.token, bearer).expect(404);
      expect(other.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      const otherSupervisor = await http()
        .get(url(client))
        .auth(org.supervisorB.token, bearer)
        .expect(404);
      expect(otherSupervisor.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      const noPlan = await http().get(url(theirs)).auth(org.peerB1.token, bearer).expect(404);
      expect(noPlan.body).toEqual(problem(404, 'NOT_FOUND', 'Relapse-prevention plan not found.'));
    });

    it('should answer 400 for a malformed id', async () => {
      const res = await http().get(url('nope')).auth(org.peerA1.token, bearer).expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'id', message: 'id must be a UUID' },
        ]),
      );
    });

    it('should answer the current version with its ETag to the peer and the team supervisor, audited', async () => {
      for (const user of [org.peerA1, org.supervisorA]) {
        const res = await http().get(url(client)).auth(user.token, bearer).expect(200);
        expect(res.headers.etag).toBe('"2"');
        expect(res.body).toMatchObject({ id: planId, version: 2, triggers: ['Second'] });
        expect(
          await countAuditEvents(t.dataSource, {
            action: 'relapse-prevention-plan.read',
            actorId: user.id,
            clientId: client,
            resourceId: planId,
          }),
        ).toBe(1);
      }
    });
  });

  describe('GET /api/v1/clients/:id/relapse-prevention-plan/versions[/:n]', () => {
    let client: string;
    let planId: string;

    beforeAll(async () => {
      client = await clientOf(org.peerA1);
      planId = (await put(client, org.peerA1, { triggers: ['v1'] }).expect(201)).body.id;
      await put(client, org.peerA1, { triggers: ['v2'] }, '"1"').expect(200);
      await put(client, org.peerA1, { triggers: ['v3'] }, '"2"').expect(200);
    });

    it('should answer 401 without a token and 403 for an admin', async () => {
      await http()
        .get(`${url(client)}/versions`)
        .expect(401);
      await http()
        .get(`${url(client)}/versions/1`)
        .expect(401);
      await http()
        .get(`${url(client)}/versions`)
        .auth(org.admin.token, bearer)
        .expect(403);
      await http()
        .get(`${url(client)}/versions/1`)
        .auth(org.admin.token, bearer)
        .expect(403);
    });

    it('should answer 404 outside scope and for a version that does not exist', async () => {
      await http()
        .get(`${url(client)}/versions`)
        .auth(org.peerB1.token, bearer)
        .expect(404);
      await http()
        .get(`${url(client)}/versions/1`)
        .auth(org.peerA2.token, bearer)
        .expect(404);
      const res = await http()
        .get(`${url(client)}/versions/4`)
        .auth(org.peerA1.token, bearer)
        .expect(404);
      expect(res.body).toEqual(
        problem(404, 'NOT_FOUND', 'Relapse-prevention plan version not found.'),
      );
    });

    it('should answer 400 for a bad version number, limit=101 and a forged cursor', async () => {
      const n = await http()
        .get(`${url(client)}/versions/0`)
        .auth(org.peerA1.token, bearer)
        .expect(400);
      expect(n.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'n', message: 'n must not be less than 1' },
        ]),
      );
      const limit = await http()
        .get(`${url(client)}/versions?limit=101`)
        .auth(org.peerA1.token, bearer)
        .expect(400);
      expect(limit.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'limit', message: 'limit must not be greater than 100' },
        ]),
      );
      const forged = await http()
        .get(`${url(client)}/versions?cursor=abc.def`)
        .auth(org.peerA1.token, bearer)
        .expect(400);
      expect(forged.body).toEqual(INVALID_CURSOR);
    });

    it('should page the versions newest first, each as it was written, audited', async () => {
      const page1 = await http()
        .get(`${url(client)}/versions?limit=2`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(page1.body.items.map((v: { version: number }) => v.version)).toEqual([3, 2]);
      expect(page1.body.items[0]).toMatchObject({
        planId,
        clientId: client,
        triggers: ['v3'],
        authorId: org.peerA1.id,
        reviewedOn: null,
      });
      const page2 = await http()
        .get(`${url(client)}/versions?limit=2&cursor=${page1.body.nextCursor}`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(page2.body.items.map((v: { triggers: string[] }) => v.triggers)).toEqual([['v1']]);
      expect(page2.body.nextCursor).toBeNull();
      // Another caller cannot use this caller's cursor.
      await http()
        .get(`${url(client)}/versions?limit=2&cursor=${page1.body.nextCursor}`)
        .auth(org.supervisorA.token, bearer)
        .expect(400);
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'relapse-prevention-plan.version-list',
          actorId: org.peerA1.id,
          clientId: client,
        }),
      ).toBe(2);
    });

    it('should answer one old version, audited', async () => {
      const res = await http()
        .get(`${url(client)}/versions/1`)
        .auth(org.supervisorA.token, bearer)
        .expect(200);
      expect(res.body).toEqual({
        planId,
        clientId: client,
        version: 1,
        triggers: ['v1'],
        warningSigns: [],
        copingStrategies: [],
        peopleToCall: [],
        helpfulPlaces: [],
        ...DEFAULT_CRISIS,
        reasonsForRecovery: [],
        authorId: org.peerA1.id,
        reviewedOn: null,
        reviewedById: null,
        createdAt: expect.any(String),
      });
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'relapse-prevention-plan.version-read',
          actorId: org.supervisorA.id,
          clientId: client,
          resourceId: planId,
        }),
      ).toBe(1);
    });
  });

  describe('session notes with a risk flag', () => {
    const note = (riskFlags: string[]) => ({
      startedAt: hoursAgo(3),
      endedAt: hoursAgo(2),
      contactType: 'in_person',
      format: 'narrative',
      sections: { narrative: 'Talked through a hard weekend.' },
      riskFlags,
    });
    const postNote = (client: string, riskFlags: string[]) =>
      http()
        .post(`/api/v1/clients/${client}/session-notes`)
        .auth(org.peerA1.token, bearer)
        .send(note(riskFlags))
        .expect(201);

    it('should point a flagged note to the plan and its last review, on save and on read', async () => {
      const client = await clientOf(org.peerA1);
      const reviewedOn = dateFromNow(-3);
      const plan = await put(client, org.peerA1, { ...PLAN, reviewedWithClientOn: reviewedOn });
      const pointer = {
        id: plan.body.id,
        version: 1,
        lastReviewedOn: reviewedOn,
        reviewDueOn: dateFromNow(87),
        reviewOverdue: false,
      };
      const created = await postNote(client, ['return_to_use']);
      expect(created.body.relapsePreventionPlan).toEqual(pointer);
      const read = await http()
        .get(`/api/v1/session-notes/${created.body.id}`)
        .auth(org.supervisorA.token, bearer)
        .expect(200);
      expect(read.body.relapsePreventionPlan).toEqual(pointer);
      await createCertification(t.dataSource, {
        organizationId: org.id,
        userId: org.peerA1.id,
        expiresOn: dateFromNow(365),
      });
      const signed = await http()
        .post(`/api/v1/session-notes/${created.body.id}/sign`)
        .auth(org.peerA1.token, bearer)
        .expect(200);
      expect(signed.body.relapsePreventionPlan).toEqual(pointer);
    });

    it('should say null for a flagged note of a client without a plan, and nothing for an unflagged note', async () => {
      const client = await clientOf(org.peerA1);
      const flagged = await postNote(client, ['housing_loss']);
      expect(flagged.body.relapsePreventionPlan).toBeNull();
      const plain = await postNote(client, []);
      expect(plain.body).not.toHaveProperty('relapsePreventionPlan');
    });
  });

  describe('supervisor dashboard', () => {
    it('should count, per specialist, the plans not reviewed with the client in 90 days', async () => {
      const peer = org.peerA2;
      const stale = await clientOf(peer);
      const reviewed = await clientOf(peer);
      const fresh = await clientOf(peer);
      const boundary = await clientOf(peer);
      for (const c of [stale, reviewed, fresh, boundary]) {
        await put(c, peer, PLAN).expect(201);
      }
      const age = (c: string, createdDaysAgo: number, reviewedDaysAgo: number | null) =>
        t.dataSource.query(
          `UPDATE relapse_prevention_plan SET created_at = now() - make_interval(days => $2),
             last_reviewed_on = CASE WHEN $3::int IS NULL THEN NULL ELSE current_date - $3::int END,
             last_reviewed_by_id = CASE WHEN $3::int IS NULL THEN NULL ELSE $4::uuid END
           WHERE client_id = $1`,
          [c, createdDaysAgo, reviewedDaysAgo, peer.id],
        );
      await age(stale, 200, 91); // last reviewed 91 days ago: overdue
      await age(reviewed, 200, 10); // reviewed recently
      await age(fresh, 30, null); // written 30 days ago, never reviewed: not yet due
      await age(boundary, 200, 90); // reviewed exactly 90 days ago: due today, not overdue
      const list = await http()
        .get('/api/v1/caseloads')
        .auth(org.supervisorA.token, bearer)
        .expect(200);
      const row = list.body.items.find((i: { specialistId: string }) => i.specialistId === peer.id);
      expect(row.relapsePlansNotReviewed90Days).toBe(1);
      const detail = await http()
        .get(`/api/v1/caseloads/${peer.id}`)
        .auth(org.supervisorA.token, bearer)
        .expect(200);
      expect(detail.body.relapsePlansNotReviewed90Days).toBe(1);
      const overdue = detail.body.clients
        .filter((c: { relapsePlanReviewOverdue: boolean }) => c.relapsePlanReviewOverdue)
        .map((c: { id: string }) => c.id);
      expect(overdue).toEqual([stale]);
      const plan = await http().get(url(stale)).auth(peer.token, bearer).expect(200);
      expect(plan.body).toMatchObject({ reviewOverdue: true, reviewDueOn: dateFromNow(-1) });
    });
  });
});
