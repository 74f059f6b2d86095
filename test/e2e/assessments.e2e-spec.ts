import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createClient } from '../factories/client.factory';
import { createTestOrg, TestOrg, TestUser } from '../factories/people.factory';
import { countAuditEvents } from '../helpers/audit';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

const ANSWERS = [4, 5, 4, 3, 5, 4, 4, 5, 3, 4]; // total 41
const COUNT_ERROR = [{ field: 'answers', message: 'answers must contain exactly 10 items' }];
const EACH_ERROR = [{ field: 'answers', message: 'each answer must be an integer from 1 to 6' }];

describe('BARC-10 assessments (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let mine: string;
  let theirs: string;
  const http = () => request(t.app.getHttpServer());
  const as = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const url = (clientId: string) => `/api/v1/clients/${clientId}/assessments`;
  const newClient = () =>
    createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerA1.id });
  const record = (clientId: string, answers: number[], administeredAt: string) =>
    http()
      .post(url(clientId))
      .set(as(org.peerA1))
      .send({ instrument: 'BARC-10', answers, administeredAt })
      .expect(201);

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    mine = await newClient();
    theirs = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerB1.id,
    });
  });
  afterAll(() => t.close());

  describe('POST /api/v1/clients/:id/assessments', () => {
    it('should answer 401 without a token', async () => {
      await http().post(url(mine)).send({ instrument: 'BARC-10', answers: ANSWERS }).expect(401);
    });

    it('should answer 403 for an admin', async () => {
      const res = await http()
        .post(url(mine))
        .set(as(org.admin))
        .send({ instrument: 'BARC-10', answers: ANSWERS })
        .expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it('should answer 404 for a client outside scope, exactly as for none, and store nothing', async () => {
      const body = { instrument: 'BARC-10', answers: ANSWERS };
      const out = await http().post(url(theirs)).set(as(org.peerA1)).send(body).expect(404);
      const none = await http().post(url(randomUUID())).set(as(org.peerA1)).send(body).expect(404);
      expect(out.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      expect(none.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      expect(
        await t.dataSource.query(`SELECT 1 FROM assessment WHERE client_id = $1`, [theirs]),
      ).toEqual([]);
    });

    it.each([
      ['nine answers', ANSWERS.slice(1), COUNT_ERROR],
      ['eleven answers', [...ANSWERS, 3], COUNT_ERROR],
      ['no answers', [], COUNT_ERROR],
      ['an answer of 0', [0, ...ANSWERS.slice(1)], EACH_ERROR],
      ['an answer of 7', [7, ...ANSWERS.slice(1)], EACH_ERROR],
      ['a fractional answer', [2.5, ...ANSWERS.slice(1)], EACH_ERROR],
      ['a missing (null) answer', [null, ...ANSWERS.slice(1)], EACH_ERROR],
      ['a string answer', ['3', ...ANSWERS.slice(1)], EACH_ERROR],
      [
        'answers that are not an array',
        'all fours',
        [{ field: 'answers', message: 'answers must be an array' }],
      ],
    ])('should answer 400 for %s', async (_, answers, errors) => {
      const res = await http()
        .post(url(mine))
        .set(as(org.peerA1))
        .send({ instrument: 'BARC-10', answers })
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', errors),
      );
    });

    it('should answer 400 with every field error at once, sub-scores included as unknown fields', async () => {
      const res = await http()
        .post(url(mine))
        .set(as(org.peerA1))
        .send({ instrument: 'BARC-12', administeredAt: 'last tuesday', subscores: { social: 12 } })
        .expect(400);
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'administeredAt', message: 'administeredAt must be an ISO-8601 instant' },
          { field: 'answers', message: 'answers must be an array' },
          {
            field: 'instrument',
            message: 'instrument must be one of the following values: BARC-10',
          },
          { field: 'subscores', message: 'property subscores should not exist' },
        ]),
      );
    });

    it('should answer 400 for an administration in the future', async () => {
      const future = new Date(Date.now() + 86_400_000).toISOString();
      const res = await http()
        .post(url(mine))
        .set(as(org.peerA1))
        .send({ instrument: 'BARC-10', answers: ANSWERS, administeredAt: future })
        .expect(400);
      expect(res.body.errors).toEqual([
        { field: 'administeredAt', message: 'administeredAt must not be in the future' },
      ]);
    });

    it('should score, store and audit a BARC-10 below the remission threshold', async () => {
      const res = await http()
        .post(url(mine))
        .set(as(org.peerA1))
        .send({ instrument: 'BARC-10', answers: ANSWERS, administeredAt: '2026-01-15T10:00:00Z' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        clientId: mine,
        instrument: 'BARC-10',
        answers: ANSWERS,
        total: 41,
        atOrAboveRemissionThreshold: false,
        administeredAt: '2026-01-15T10:00:00.000Z',
        administeredById: org.peerA1.id,
        createdAt: expect.any(String),
      });
      const [row] = await t.dataSource.query(
        `SELECT organization_id, client_id, instrument, answers, total FROM assessment WHERE id = $1`,
        [res.body.id],
      );
      expect(row).toEqual({
        organization_id: org.id,
        client_id: mine,
        instrument: 'BARC-10',
        answers: ANSWERS,
        total: 41,
      });
      const audit = await t.dataSource.query(
        `SELECT client_id, resource_type FROM audit_event WHERE action = 'assessment.create' AND resource_id = $1`,
        [res.body.id],
      );
      expect(audit).toEqual([{ client_id: mine, resource_type: 'Assessment' }]);
    });

    it('should flag a total of exactly 47 as at the remission threshold, and default administeredAt to now', async () => {
      const before = Date.now();
      const res = await http()
        .post(url(mine))
        .set(as(org.supervisorA))
        .send({ instrument: 'BARC-10', answers: [5, 5, 5, 5, 5, 5, 5, 4, 4, 4] })
        .expect(201);
      expect(res.body).toMatchObject({ total: 47, atOrAboveRemissionThreshold: true });
      expect(new Date(res.body.administeredAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    });
  });

  describe('GET /api/v1/clients/:id/assessments', () => {
    it('should answer 401 without a token', async () => {
      await http().get(url(mine)).expect(401);
    });

    it('should answer 403 for an admin', async () => {
      await http().get(url(mine)).set(as(org.admin)).expect(403);
    });

    it('should answer 404 for a client outside scope', async () => {
      const res = await http().get(url(theirs)).set(as(org.peerA1)).expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
    });

    it('should answer 400 for a bad cursor', async () => {
      const res = await http()
        .get(`${url(mine)}?cursor=garbage`)
        .set(as(org.peerA1))
        .expect(400);
      expect(res.body.errors).toEqual([{ field: 'cursor', message: 'cursor is not valid' }]);
    });

    it('should page the history by administration time, newest first, and audit the read', async () => {
      const client = await newClient();
      const jan = await record(client, ANSWERS, '2026-01-01T09:00:00Z');
      const mar = await record(client, ANSWERS, '2026-03-01T09:00:00Z');
      const feb = await record(client, ANSWERS, '2026-02-01T09:00:00Z');
      const page1 = await http()
        .get(`${url(client)}?limit=2`)
        .set(as(org.peerA1))
        .expect(200);
      expect(page1.body.items.map((a: { id: string }) => a.id)).toEqual([mar.body.id, feb.body.id]);
      const page2 = await http()
        .get(`${url(client)}?limit=2&cursor=${page1.body.nextCursor}`)
        .set(as(org.peerA1))
        .expect(200);
      expect(page2.body).toEqual({ items: [jan.body], nextCursor: null });
      expect(
        await countAuditEvents(t.dataSource, { action: 'assessment.list', clientId: client }),
      ).toBe(2);
    });
  });

  describe('GET /api/v1/clients/:id/assessments/trend', () => {
    it('should answer 401 without a token', async () => {
      await http()
        .get(`${url(mine)}/trend`)
        .expect(401);
    });

    it('should answer 403 for an admin', async () => {
      await http()
        .get(`${url(mine)}/trend`)
        .set(as(org.admin))
        .expect(403);
    });

    it('should answer 404 for a client outside scope', async () => {
      const res = await http()
        .get(`${url(theirs)}/trend`)
        .set(as(org.peerA1))
        .expect(404);
      expect(res.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
    });

    it('should answer 400 for a client id that is not a UUID', async () => {
      const res = await http()
        .get(`${url('abc')}/trend`)
        .set(as(org.peerA1))
        .expect(400);
      expect(res.body.errors).toEqual([{ field: 'id', message: 'id must be a UUID' }]);
    });

    it('should answer an empty trend for a client without assessments', async () => {
      const client = await newClient();
      const res = await http()
        .get(`${url(client)}/trend`)
        .set(as(org.peerA1))
        .expect(200);
      expect(res.body).toEqual({
        clientId: client,
        instrument: 'BARC-10',
        remissionThreshold: 47,
        points: [],
      });
    });

    it('should order totals oldest first with change from previous and from first, and audit the read', async () => {
      const client = await newClient();
      const second = await record(client, Array(10).fill(4), '2026-02-01T09:00:00Z'); // 40
      const first = await record(client, Array(10).fill(3), '2026-01-01T09:00:00Z'); // 30
      const third = await record(client, [5, 5, 5, 5, 5, 5, 5, 5, 5, 3], '2026-03-01T09:00:00Z'); // 48
      const res = await http()
        .get(`${url(client)}/trend`)
        .set(as(org.supervisorA))
        .expect(200);
      expect(res.body).toEqual({
        clientId: client,
        instrument: 'BARC-10',
        remissionThreshold: 47,
        points: [
          {
            assessmentId: first.body.id,
            administeredAt: '2026-01-01T09:00:00.000Z',
            total: 30,
            atOrAboveRemissionThreshold: false,
            changeFromPrevious: null,
            changeFromFirst: 0,
          },
          {
            assessmentId: second.body.id,
            administeredAt: '2026-02-01T09:00:00.000Z',
            total: 40,
            atOrAboveRemissionThreshold: false,
            changeFromPrevious: 10,
            changeFromFirst: 10,
          },
          {
            assessmentId: third.body.id,
            administeredAt: '2026-03-01T09:00:00.000Z',
            total: 48,
            atOrAboveRemissionThreshold: true,
            changeFromPrevious: 8,
            changeFromFirst: 18,
          },
        ],
      });
      const audit = await t.dataSource.query(
        `SELECT actor_id FROM audit_event WHERE action = 'assessment.trend' AND client_id = $1`,
        [client],
      );
      expect(audit).toEqual([{ actor_id: org.supervisorA.id }]);
    });
  });
});
