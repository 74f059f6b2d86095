import request from 'supertest';

import { countAuditEvents } from '../helpers/audit';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createClient } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { createNote } from '../factories/session-note.factory';
import { problem } from '../helpers/problem';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

describe('session notes: drafting and reading (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let clientA: string; // peerA1's caseload
  let clientB: string; // peerB1's caseload
  const http = () => request(t.app.getHttpServer());

  const draft = (over: Record<string, unknown> = {}) => ({
    startedAt: hoursAgo(3),
    endedAt: new Date(Date.parse(hoursAgo(3)) + 45 * 60_000).toISOString(),
    contactType: 'in_person',
    setting: 'community',
    format: 'DAP',
    sections: {
      data: 'Met at the library to plan the week.',
      assessment: 'Hopeful about the job fair.',
    },
    interventions: ['recovery_planning', 'resource_linkage'],
    riskFlags: [],
    ...over,
  });

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    clientA = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    clientB = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerB1.id,
    });
  });
  afterAll(() => t.close());

  describe('POST /api/v1/clients/:id/session-notes', () => {
    const url = () => `/api/v1/clients/${clientA}/session-notes`;

    it('should answer 401 without a token', async () => {
      await http().post(url()).send(draft()).expect(401);
    });

    it('should answer 403 for an admin (no clinical narratives)', async () => {
      const res = await http()
        .post(url())
        .auth(org.admin.token, { type: 'bearer' })
        .send(draft())
        .expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 404 for a client outside the caller’s caseload, as for a missing one', async () => {
      const res = await http()
        .post(`/api/v1/clients/${clientB}/session-notes`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .send(draft())
        .expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      const missing = await http()
        .post('/api/v1/clients/00000000-0000-4000-8000-000000000000/session-notes')
        .auth(org.peerA1.token, { type: 'bearer' })
        .send(draft())
        .expect(404);
      expect(missing.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      const rows = await t.dataSource.query(`SELECT 1 FROM session_note WHERE client_id = $1`, [
        clientB,
      ]);
      expect(rows).toEqual([]);
    });

    it('should answer 400 with the exact errors for bad fields', async () => {
      const body = draft({
        contactType: 'telepathy',
        format: 'poem',
        startedAt: '2026-01-01',
        riskFlags: ['bad'],
        unknown: 1,
      });
      const res = await http()
        .post(url())
        .auth(org.peerA1.token, { type: 'bearer' })
        .send(body)
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'contactType',
            message:
              'contactType must be one of the following values: in_person, phone, video, text, outreach_attempt, collateral',
          },
          {
            field: 'format',
            message: 'format must be one of the following values: narrative, DAP, GIRP, SOAP',
          },
          {
            field: 'riskFlags',
            message: expect.stringContaining(
              'each value in riskFlags must be one of the following values',
            ),
          },
          { field: 'startedAt', message: 'startedAt must be an ISO-8601 instant' },
          { field: 'unknown', message: 'property unknown should not exist' },
        ]),
      );
    });

    it('should answer 400 for sections of another format and an inverted period', async () => {
      const body = draft({ format: 'SOAP', endedAt: hoursAgo(4) });
      const res = await http()
        .post(url())
        .auth(org.peerA1.token, { type: 'bearer' })
        .send(body)
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'endedAt', message: 'endedAt must not be before startedAt' },
          { field: 'sections.data', message: 'data is not a section of the SOAP format' },
        ]),
      );
    });

    it('should create a draft with duration, billing units and language warnings, and move last contact', async () => {
      const body = draft({
        sections: {
          data: 'Client is an addict; urine came back dirty.',
          plan: 'Talk about substance abuse supports.',
        },
      });
      const res = await http()
        .post(url())
        .auth(org.peerA1.token, { type: 'bearer' })
        .send(body)
        .expect(201);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toEqual({
        id: expect.any(String),
        clientId: clientA,
        authorId: org.peerA1.id,
        status: 'draft',
        version: 1,
        startedAt: body.startedAt,
        endedAt: body.endedAt,
        durationMinutes: 45,
        billingUnits: 3,
        contactType: 'in_person',
        setting: 'community',
        format: 'DAP',
        sections: body.sections,
        goalIds: [],
        interventions: ['recovery_planning', 'resource_linkage'],
        riskFlags: [],
        signedAt: null,
        contentHash: null,
        lateEntry: false,
        reviewedAt: null,
        reviewerId: null,
        reviewDecision: null,
        reviewComment: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        warnings: [
          { term: 'addict', suggestion: expect.any(String), section: 'data' },
          { term: 'dirty', suggestion: expect.any(String), section: 'data' },
          { term: 'substance abuse', suggestion: expect.any(String), section: 'plan' },
        ],
      });
      const [row] = await t.dataSource.query(
        `SELECT status, author_id, sections, organization_id FROM session_note WHERE id = $1`,
        [res.body.id],
      );
      expect(row).toEqual({
        status: 'draft',
        author_id: org.peerA1.id,
        sections: body.sections,
        organization_id: org.id,
      });
      const [client] = await t.dataSource.query(
        `SELECT last_contact_at FROM client WHERE id = $1`,
        [clientA],
      );
      expect(client.last_contact_at.toISOString()).toBe(body.startedAt);
      const [audit] = await t.dataSource.query(
        `SELECT action, client_id FROM audit_event WHERE resource_id = $1`,
        [res.body.id],
      );
      expect(audit).toEqual({ action: 'session-note.create', client_id: clientA });
    });

    it('should not move last contact back, nor for an outreach attempt', async () => {
      const client = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA1.id,
      });
      await http()
        .post(`/api/v1/clients/${client}/session-notes`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .send(draft({ contactType: 'outreach_attempt' }))
        .expect(201);
      let [row] = await t.dataSource.query(`SELECT last_contact_at FROM client WHERE id = $1`, [
        client,
      ]);
      expect(row.last_contact_at).toBeNull();
      const recent = draft({ startedAt: hoursAgo(2), endedAt: hoursAgo(1) });
      await http()
        .post(`/api/v1/clients/${client}/session-notes`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .send(recent)
        .expect(201);
      await http()
        .post(`/api/v1/clients/${client}/session-notes`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .send(draft({ startedAt: hoursAgo(20), endedAt: hoursAgo(19) }))
        .expect(201);
      [row] = await t.dataSource.query(`SELECT last_contact_at FROM client WHERE id = $1`, [
        client,
      ]);
      expect(row.last_contact_at.toISOString()).toBe(recent.startedAt);
    });

    it('should refuse a goal of another client when goals exist', async () => {
      const [{ present }] = await t.dataSource.query(
        `SELECT to_regclass('public.goal') IS NOT NULL AS present`,
      );
      const otherGoal = '7a0e1a5e-0000-4000-8000-000000000001';
      const res = await http()
        .post(url())
        .auth(org.peerA1.token, { type: 'bearer' })
        .send(draft({ goalIds: [otherGoal] }));
      if (present) {
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([
          { field: 'goalIds', message: 'each goal must be a goal of this client' },
        ]);
      } else {
        expect(res.status).toBe(201);
        expect(res.body.goalIds).toEqual([otherGoal]);
      }
    });
  });

  describe('GET /api/v1/clients/:id/session-notes', () => {
    let client: string;
    const ids: string[] = [];

    beforeAll(async () => {
      client = await createClient(t.dataSource, {
        organizationId: org.id,
        specialistId: org.peerA2.id,
      });
      for (let i = 0; i < 5; i++) {
        ids.push(
          await createNote(t.dataSource, {
            organizationId: org.id,
            clientId: client,
            authorId: org.peerA2.id,
            startedAt: new Date(Date.now() - (i + 1) * 86_400_000),
            status: i % 2 ? 'signed' : 'draft',
          }),
        );
      }
    });

    it('should answer 401 without a token', async () => {
      await http().get(`/api/v1/clients/${client}/session-notes`).expect(401);
    });

    it('should answer 403 for an admin', async () => {
      await http()
        .get(`/api/v1/clients/${client}/session-notes`)
        .auth(org.admin.token, { type: 'bearer' })
        .expect(403);
    });

    it('should answer 404 for another team’s specialist', async () => {
      const res = await http()
        .get(`/api/v1/clients/${client}/session-notes`)
        .auth(org.peerB1.token, { type: 'bearer' })
        .expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
    });

    it('should answer 400 for a limit above 100', async () => {
      const res = await http()
        .get(`/api/v1/clients/${client}/session-notes?limit=101`)
        .auth(org.peerA2.token, { type: 'bearer' })
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'limit', message: 'limit must not be greater than 100' },
        ]),
      );
    });

    it('should page newest session first with a cursor, and filter by status', async () => {
      const first = await http()
        .get(`/api/v1/clients/${client}/session-notes?limit=3`)
        .auth(org.supervisorA.token, { type: 'bearer' })
        .expect(200);
      expect(first.body.items.map((n: { id: string }) => n.id)).toEqual(ids.slice(0, 3));
      const second = await http()
        .get(`/api/v1/clients/${client}/session-notes?limit=3&cursor=${first.body.nextCursor}`)
        .auth(org.supervisorA.token, { type: 'bearer' })
        .expect(200);
      expect(second.body).toEqual({
        items: [expect.objectContaining({ id: ids[3] }), expect.objectContaining({ id: ids[4] })],
        nextCursor: null,
      });
      expect(second.body.items[0].warnings).toBeUndefined();
      const signed = await http()
        .get(`/api/v1/clients/${client}/session-notes?status=signed`)
        .auth(org.peerA2.token, { type: 'bearer' })
        .expect(200);
      expect(signed.body.items.map((n: { id: string }) => n.id)).toEqual([ids[1], ids[3]]);
      expect(
        await countAuditEvents(t.dataSource, { clientId: client, action: 'session-note.list' }),
      ).toBe(3);
    });
  });

  describe('GET /api/v1/session-notes/:id', () => {
    let noteA: string;
    beforeAll(async () => {
      noteA = await createNote(t.dataSource, {
        organizationId: org.id,
        clientId: clientA,
        authorId: org.peerA1.id,
      });
    });

    it('should answer 401 without a token', async () => {
      await http().get(`/api/v1/session-notes/${noteA}`).expect(401);
    });

    it('should answer 403 for an admin', async () => {
      await http()
        .get(`/api/v1/session-notes/${noteA}`)
        .auth(org.admin.token, { type: 'bearer' })
        .expect(403);
    });

    it('should answer 404 out of scope, identical to a missing note', async () => {
      const out = await http()
        .get(`/api/v1/session-notes/${noteA}`)
        .auth(org.peerB1.token, { type: 'bearer' })
        .expect(404);
      const missing = await http()
        .get('/api/v1/session-notes/00000000-0000-4000-8000-000000000000')
        .auth(org.peerB1.token, { type: 'bearer' })
        .expect(404);
      expect(out.body).toEqual(problem(404, 'NOT_FOUND', 'Session note not found.'));
      expect(missing.body).toEqual(problem(404, 'NOT_FOUND', 'Session note not found.'));
    });

    it('should answer 400 for an id that is not a UUID', async () => {
      const res = await http()
        .get('/api/v1/session-notes/nope')
        .auth(org.peerA1.token, { type: 'bearer' })
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'id', message: 'id must be a UUID' },
        ]),
      );
    });

    it('should read the note with its addenda and audit the read', async () => {
      const res = await http()
        .get(`/api/v1/session-notes/${noteA}`)
        .auth(org.supervisorA.token, { type: 'bearer' })
        .expect(200);
      expect(res.body).toEqual(
        expect.objectContaining({ id: noteA, clientId: clientA, status: 'draft', addenda: [] }),
      );
      expect(res.headers.etag).toBe(`"${res.body.version}"`);
      const [audit] = await t.dataSource.query(
        `SELECT actor_id, client_id FROM audit_event WHERE resource_id = $1 AND action = 'session-note.read'`,
        [noteA],
      );
      expect(audit).toEqual({ actor_id: org.supervisorA.id, client_id: clientA });
    });
  });

  describe('PATCH /api/v1/session-notes/:id', () => {
    const create = async () =>
      (
        await http()
          .post(`/api/v1/clients/${clientA}/session-notes`)
          .auth(org.peerA1.token, { type: 'bearer' })
          .send(draft())
          .expect(201)
      ).body;

    it('should answer 401 without a token', async () => {
      const note = await create();
      await http()
        .patch(`/api/v1/session-notes/${note.id}`)
        .set('If-Match', '"1"')
        .send({ setting: 'x' })
        .expect(401);
    });

    it('should answer 403 for an admin, and for a colleague who is not the author', async () => {
      const note = await create();
      await http()
        .patch(`/api/v1/session-notes/${note.id}`)
        .auth(org.admin.token, { type: 'bearer' })
        .set('If-Match', '"1"')
        .send({ setting: 'x' })
        .expect(403);
      const res = await http()
        .patch(`/api/v1/session-notes/${note.id}`)
        .auth(org.supervisorA.token, { type: 'bearer' })
        .set('If-Match', '"1"')
        .send({ setting: 'x' })
        .expect(403);
      expect(res.body).toEqual(
        problem(403, 'FORBIDDEN', 'Only the author may change or sign this note.'),
      );
    });

    it('should answer 404 out of scope', async () => {
      const note = await create();
      const res = await http()
        .patch(`/api/v1/session-notes/${note.id}`)
        .auth(org.peerB1.token, { type: 'bearer' })
        .set('If-Match', '"1"')
        .send({ setting: 'x' })
        .expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Session note not found.'));
    });

    it('should answer 428 without If-Match and 400 for bad fields', async () => {
      const note = await create();
      await http()
        .patch(`/api/v1/session-notes/${note.id}`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .send({ setting: 'x' })
        .expect(428);
      const res = await http()
        .patch(`/api/v1/session-notes/${note.id}`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .set('If-Match', '"1"')
        .send({ sections: { narrative: 'x' } })
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'sections.narrative', message: 'narrative is not a section of the DAP format' },
        ]),
      );
    });

    it('should update a draft, bump its version and answer warnings', async () => {
      const note = await create();
      const res = await http()
        .patch(`/api/v1/session-notes/${note.id}`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .set('If-Match', '"1"')
        .send({
          format: 'narrative',
          sections: { narrative: 'She relapsed but reached out.' },
          riskFlags: ['return_to_use'],
        })
        .expect(200);
      expect(res.body).toEqual(
        expect.objectContaining({
          version: 2,
          format: 'narrative',
          riskFlags: ['return_to_use'],
          warnings: [
            { term: 'relapse', suggestion: 'return to use (or recurrence)', section: 'narrative' },
          ],
        }),
      );
      expect(res.headers.etag).toBe('"2"');
      const [row] = await t.dataSource.query(
        `SELECT version, format, sections FROM session_note WHERE id = $1`,
        [note.id],
      );
      expect(row).toEqual({
        version: 2,
        format: 'narrative',
        sections: { narrative: 'She relapsed but reached out.' },
      });
    });

    it('should let one of 20 parallel PATCHes with one ETag win and answer 412 to the rest', async () => {
      const note = await create();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          http()
            .patch(`/api/v1/session-notes/${note.id}`)
            .auth(org.peerA1.token, { type: 'bearer' })
            .set('If-Match', '"1"')
            .send({ setting: `room ${i}` }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array(19).fill(412)]);
      const [row] = await t.dataSource.query(`SELECT version FROM session_note WHERE id = $1`, [
        note.id,
      ]);
      expect(row.version).toBe(2);
    });
  });
});
