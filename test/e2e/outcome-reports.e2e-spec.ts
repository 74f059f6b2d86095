import request from 'supertest';

import { createClient } from '../factories/client.factory';
import { insertDischarge } from '../factories/discharge.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { countAuditEvents } from '../helpers/audit';
import { bearer } from '../helpers/http';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

const DAY = 86_400_000;
/** The instant `days` after a UTC date (or instant), as ISO. */
const plus = (at: string, days: number) =>
  new Date(Date.parse(at.length === 10 ? `${at}T12:00:00Z` : at) + days * DAY).toISOString();
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString().slice(0, 10);

/**
 * Each report reads its own year, so one organization holds every report's data without one
 * report's rows reaching another's period: engagement 2025 Q1, retention 2024 Q1, recovery
 * capital 2023 Q1 (no leap day: 10 January to 11 March is exactly 60 days), referrals 2022 Q1.
 */
describe('outcome reports (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  const http = () => request(t.app.getHttpServer());
  const client = () =>
    createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerA1.id });
  const note = (
    clientId: string,
    startedAt: string,
    o: { status?: string; contactType?: string } = {},
  ) =>
    t.dataSource.query(
      `INSERT INTO session_note (organization_id, client_id, author_id, status, started_at, ended_at, contact_type,
         format, signed_at, content_hash)
       VALUES ($1, $2, $3, $4, $5, $5, $6, 'narrative', $7, $8)`,
      [
        org.id,
        clientId,
        org.peerA1.id,
        o.status ?? 'signed',
        new Date(startedAt),
        o.contactType ?? 'in_person',
        o.status === 'draft' ? null : new Date(startedAt),
        o.status === 'draft' ? null : 'hash',
      ],
    );
  const assessment = (clientId: string, at: string, total: number) => {
    // Ten answers (1..6) that add up to `total`.
    const answers = Array.from({ length: 10 }, (_, i) =>
      Math.min(6, Math.max(1, Math.floor(total / 10) + (i < total % 10 ? 1 : 0))),
    );
    return t.dataSource.query(
      `INSERT INTO assessment (organization_id, client_id, instrument, answers, total, administered_at)
       VALUES ($1, $2, 'BARC-10', $3, $4, $5)`,
      [org.id, clientId, answers, total, new Date(at)],
    );
  };
  let resourceId: string;
  const referral = async (
    clientId: string,
    o: { need: string; status: string; sentAt: string; resentFromId?: string },
  ): Promise<string> => {
    const [row] = await t.dataSource.query(
      `INSERT INTO referral_out (organization_id, client_id, resource_id, need, reason, status, resent_from_id,
         sent_at, sent_by_id, follow_up_due_at)
       VALUES ($1, $2, $3, $4, 'Needs support', $5, $6, $7, $8, $7::timestamptz + interval '7 days') RETURNING id`,
      [
        org.id,
        clientId,
        resourceId,
        o.need,
        o.status,
        o.resentFromId ?? null,
        o.sentAt,
        org.peerA1.id,
      ],
    );
    return row.id;
  };

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    [{ id: resourceId }] = await t.dataSource.query(
      `INSERT INTO community_resource (organization_id, name, categories)
       VALUES ($1, 'Harbor House', ARRAY['housing', 'employment', 'food']) RETURNING id`,
      [org.id],
    );
  });
  afterAll(() => t.close());

  describe('the ladder (every report)', () => {
    const reports = ['engagement', 'recovery-capital', 'referrals', 'retention'];
    const url = (r: string, q = 'from=2025-01-01&to=2025-03-31') => `/api/v1/reports/${r}?${q}`;

    it.each(reports)('should answer 401 to %s without a token', async (r) => {
      await http().get(url(r)).expect(401);
    });

    it.each(reports)('should answer 403 to %s for a peer specialist', async (r) => {
      const res = await http().get(url(r)).auth(org.peerA1.token, bearer).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    });

    it.each(reports)('should answer 400 to %s for bad dates, with the exact errors', async (r) => {
      const bad = await http()
        .get(url(r, 'from=2025-02-30&to=soon&extra=1'))
        .auth(org.admin.token, bearer)
        .expect(400);
      expect(bad.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'extra', message: 'property extra should not exist' },
          { field: 'from', message: 'from must be a date (YYYY-MM-DD)' },
          { field: 'to', message: 'to must be a date (YYYY-MM-DD)' },
        ]),
      );
      const reversed = await http()
        .get(url(r, 'from=2025-03-31&to=2025-01-01'))
        .auth(org.admin.token, bearer)
        .expect(400);
      expect(reversed.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          { field: 'to', message: 'to must not be before from' },
        ]),
      );
    });
  });

  describe('GET /api/v1/reports/engagement', () => {
    const URL = '/api/v1/reports/engagement?from=2025-01-01&to=2025-03-31';

    beforeAll(async () => {
      const a = await client();
      await note(a, '2025-01-01T00:00:00Z'); // first instant of the period: in
      await note(a, '2025-03-31T23:59:59Z'); // last second of the period: in
      await note(a, '2024-12-31T23:59:59Z'); // before: out
      await note(a, '2025-04-01T00:00:00Z'); // after: out
      await note(a, '2025-02-01T10:00:00Z', { status: 'draft' }); // a draft is no session
      await note(a, '2025-02-02T10:00:00Z', { contactType: 'outreach_attempt' }); // nor an attempt
      await insertDischarge(t.dataSource, {
        organizationId: org.id,
        clientId: a,
        levelOfCare: 'inpatient',
        dischargedAt: new Date('2025-03-30T12:00:00Z'), // first session the next day: 1
      });
      const b = await client();
      await note(b, '2025-02-10T10:00:00Z');
      const c = await client();
      await insertDischarge(t.dataSource, {
        organizationId: org.id,
        clientId: c,
        levelOfCare: 'emergency_department',
        dischargedAt: new Date('2025-02-01T20:00:00Z'),
      });
      await note(c, '2025-02-01T21:00:00Z'); // same day: 0
      const d = await client();
      await note(d, '2025-02-09T10:00:00Z'); // before the discharge: not its first contact
      await insertDischarge(t.dataSource, {
        organizationId: org.id,
        clientId: d,
        levelOfCare: 'residential',
        dischargedAt: new Date('2025-02-10T08:00:00Z'),
      });
      await note(d, '2025-02-13T10:00:00Z'); // 3 days
      const e = await client(); // discharged, never contacted; a discharge after the period
      for (const at of ['2025-03-01T08:00:00Z', '2025-04-01T00:00:00Z'])
        await insertDischarge(t.dataSource, {
          organizationId: org.id,
          clientId: e,
          levelOfCare: 'inpatient',
          dischargedAt: new Date(at),
        });
    });

    it('should count sessions at both ends of the period, and the median days to first contact', async () => {
      const res = await http().get(URL).auth(org.supervisorA.token, bearer).expect(200);
      // 6 sessions of 4 clients over 90 days: 6 / 4 / (90 / 30.4375) = 0.507.
      expect(res.body).toEqual({
        from: '2025-01-01',
        to: '2025-03-31',
        clientsSeen: 4,
        sessions: 6,
        sessionsPerClientPerMonth: 0.51,
        discharges: 4,
        dischargesWithContact: 3,
        medianDaysDischargeToFirstContact: 1,
      });
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'report.engagement',
          actorId: org.supervisorA.id,
        }),
      ).toBe(1);
    });

    it('should give the admin the organization and another team’s supervisor nothing of it', async () => {
      const admin = await http().get(URL).auth(org.admin.token, bearer).expect(200);
      expect(admin.body).toMatchObject({ clientsSeen: 4, sessions: 6 });
      const other = await http().get(URL).auth(org.supervisorB.token, bearer).expect(200);
      expect(other.body).toEqual({
        from: '2025-01-01',
        to: '2025-03-31',
        clientsSeen: 0,
        sessions: 0,
        sessionsPerClientPerMonth: null,
        discharges: 0,
        dischargesWithContact: 0,
        medianDaysDischargeToFirstContact: null,
      });
    });

    it('should stream the same figures as CSV, audited', async () => {
      const res = await http()
        .get(URL)
        .set('Accept', 'text/csv')
        .auth(org.admin.token, bearer)
        .expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="engagement_2025-01-01_2025-03-31.csv"',
      );
      expect(res.text.trim().split('\n')).toEqual([
        'from,to,clientsSeen,sessions,sessionsPerClientPerMonth,discharges,dischargesWithContact,medianDaysDischargeToFirstContact',
        '2025-01-01,2025-03-31,4,6,0.51,4,3,1',
      ]);
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'report.engagement',
          actorId: org.admin.id,
        }),
      ).toBe(2);
    });
  });

  describe('GET /api/v1/reports/recovery-capital', () => {
    const URL = '/api/v1/reports/recovery-capital?from=2023-01-01&to=2023-03-31';

    beforeAll(async () => {
      const exactly60 = await client(); // 40 -> 50, exactly 60 days apart: in, crosses 47
      await assessment(exactly60, '2023-01-10T09:00:00Z', 40);
      await assessment(exactly60, '2023-03-11T09:00:00Z', 50);
      const days59 = await client(); // 59 days apart: out
      await assessment(days59, '2023-01-10T09:00:00Z', 30);
      await assessment(days59, '2023-03-10T09:00:00Z', 35);
      const once = await client(); // one assessment: out
      await assessment(once, '2023-02-01T09:00:00Z', 20);
      const edges = await client(); // 50 -> 45 -> 48, at both ends of the period
      await assessment(edges, '2022-12-31T23:59:59Z', 10); // before the period: not its first
      await assessment(edges, '2023-01-01T00:00:00Z', 50);
      await assessment(edges, '2023-02-15T09:00:00Z', 45);
      await assessment(edges, '2023-03-31T23:59:59Z', 48);
      await assessment(edges, '2023-04-01T00:00:00Z', 12); // after the period: not its latest
    });

    it('should report first and latest per client 60+ days apart, the change and the threshold crossing', async () => {
      const res = await http().get(URL).auth(org.admin.token, bearer).expect(200);
      expect(res.body).toEqual({
        from: '2023-01-01',
        to: '2023-03-31',
        remissionThreshold: 47,
        clients: 2,
        excludedOneAssessment: 1,
        excludedUnder60Days: 1,
        meanFirstTotal: 45,
        meanLatestTotal: 49,
        meanChange: 4,
        improved: 1,
        belowThresholdAtFirst: 1,
        crossedThreshold: 1,
        shareCrossingThreshold: 1,
      });
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'report.recovery-capital',
          actorId: org.admin.id,
        }),
      ).toBe(1);
    });

    it('should stream it as CSV', async () => {
      const res = await http()
        .get(URL)
        .set('Accept', 'text/csv')
        .auth(org.supervisorA.token, bearer)
        .expect(200);
      expect(res.text.trim().split('\n')).toEqual([
        'from,to,clients,excludedOneAssessment,excludedUnder60Days,meanFirstTotal,meanLatestTotal,meanChange,improved,belowThresholdAtFirst,crossedThreshold,shareCrossingThreshold',
        '2023-01-01,2023-03-31,2,1,1,45,49,4,1,1,1,1',
      ]);
    });
  });

  describe('GET /api/v1/reports/referrals', () => {
    const URL = '/api/v1/reports/referrals?from=2022-01-01&to=2022-03-31';
    const zero = {
      referrals: 0,
      resent: 0,
      sent: 0,
      accepted: 0,
      declined: 0,
      completed: 0,
      notCompleted: 0,
      completionRate: null,
    };

    beforeAll(async () => {
      const a = await client();
      // Declined, then re-sent and completed: one referral, completed, re-sent.
      const declined = await referral(a, {
        need: 'housing',
        status: 'declined',
        sentAt: '2022-01-05T10:00:00Z',
      });
      await referral(a, {
        need: 'housing',
        status: 'completed',
        sentAt: '2022-01-20T10:00:00Z',
        resentFromId: declined,
      });
      await referral(a, {
        need: 'housing',
        status: 'not-completed',
        sentAt: '2022-02-01T10:00:00Z',
      });
      await referral(a, { need: 'employment', status: 'accepted', sentAt: '2022-03-31T23:59:59Z' });
      await referral(a, {
        need: 'employment',
        status: 'completed',
        sentAt: '2022-04-01T00:00:00Z',
      });
      await referral(a, { need: 'food', status: 'declined', sentAt: '2022-01-01T00:00:00Z' });
    });

    it('should count a declined-then-re-sent referral once, by need, with completion rates and a total', async () => {
      const res = await http().get(URL).auth(org.supervisorA.token, bearer).expect(200);
      const byNeed = Object.fromEntries(res.body.items.map((i: { need: string }) => [i.need, i]));
      expect(res.body.items).toHaveLength(16); // 15 categories and the total, last
      expect(res.body.items[15].need).toBe('all');
      expect(byNeed.housing).toEqual({
        need: 'housing',
        ...zero,
        referrals: 2,
        resent: 1,
        completed: 1,
        notCompleted: 1,
        completionRate: 0.5,
      });
      expect(byNeed.employment).toEqual({ need: 'employment', ...zero, referrals: 1, accepted: 1 });
      expect(byNeed.food).toEqual({
        need: 'food',
        ...zero,
        referrals: 1,
        declined: 1,
        completionRate: 0,
      });
      expect(byNeed['legal']).toEqual({ need: 'legal', ...zero });
      expect(byNeed.all).toEqual({
        need: 'all',
        referrals: 4,
        resent: 1,
        sent: 0,
        accepted: 1,
        declined: 1,
        completed: 1,
        notCompleted: 1,
        completionRate: 0.3333,
      });
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'report.referrals',
          actorId: org.supervisorA.id,
        }),
      ).toBe(1);
    });

    it('should show another team’s supervisor none of them', async () => {
      const res = await http().get(URL).auth(org.supervisorB.token, bearer).expect(200);
      expect(res.body.items.at(-1)).toEqual({ need: 'all', ...zero });
    });

    it('should stream it as CSV, one line per need and the total', async () => {
      const res = await http()
        .get(URL)
        .set('Accept', 'text/csv')
        .auth(org.admin.token, bearer)
        .expect(200);
      const lines = res.text.trim().split('\n');
      expect(lines).toHaveLength(17);
      expect(lines[0]).toBe(
        'from,to,need,referrals,resent,sent,accepted,declined,completed,notCompleted,completionRate',
      );
      expect(lines[1]).toBe('2022-01-01,2022-03-31,housing,2,1,0,0,0,1,1,0.5');
      expect(lines[16]).toBe('2022-01-01,2022-03-31,all,4,1,0,1,1,1,1,0.3333');
    });
  });

  describe('GET /api/v1/reports/retention', () => {
    const URL = '/api/v1/reports/retention?from=2024-01-01&to=2024-03-31';

    beforeAll(async () => {
      const t30and90 = await client(); // first 10 Jan; sessions exactly on day 30 and day 90
      await note(t30and90, '2024-01-10T15:00:00Z');
      await note(t30and90, plus('2024-01-10', 30));
      await note(t30and90, plus('2024-01-10', 90));
      const only180 = await client(); // first 31 Mar; day 31 (no window) and day 151 (the 180 one)
      await note(only180, '2024-03-31T23:00:00Z');
      await note(only180, plus('2024-03-31', 31));
      await note(only180, plus('2024-03-31', 151));
      const earlier = await client(); // first contact before the period: not in the cohort
      await note(earlier, '2023-12-01T10:00:00Z');
      await note(earlier, '2024-01-15T10:00:00Z');
      const draftFirst = await client(); // a draft is no contact: first contact 1 Feb
      await note(draftFirst, '2023-11-01T10:00:00Z', { status: 'draft' });
      await note(draftFirst, '2024-02-01T10:00:00Z');
    });

    it('should follow the clients first contacted in the period to day 30, 90 and 180', async () => {
      const res = await http().get(URL).auth(org.admin.token, bearer).expect(200);
      expect(res.body).toEqual({
        from: '2024-01-01',
        to: '2024-03-31',
        cohort: 3,
        items: [
          { days: 30, eligible: 3, active: 1, rate: 0.3333 },
          { days: 90, eligible: 3, active: 1, rate: 0.3333 },
          { days: 180, eligible: 3, active: 1, rate: 0.3333 },
        ],
      });
      expect(
        await countAuditEvents(t.dataSource, { action: 'report.retention', actorId: org.admin.id }),
      ).toBe(1);
    });

    it('should count a client for day N only once day N has passed', async () => {
      const recent = await client();
      await note(recent, `${daysAgo(40)}T10:00:00Z`);
      await note(recent, `${daysAgo(15)}T10:00:00Z`); // day 25: inside the 30-day window
      const res = await http()
        .get(`/api/v1/reports/retention?from=${daysAgo(41)}&to=${daysAgo(39)}`)
        .auth(org.supervisorA.token, bearer)
        .expect(200);
      expect(res.body.cohort).toBe(1);
      expect(res.body.items).toEqual([
        { days: 30, eligible: 1, active: 1, rate: 1 },
        { days: 90, eligible: 0, active: 0, rate: null },
        { days: 180, eligible: 0, active: 0, rate: null },
      ]);
    });

    it('should stream it as CSV', async () => {
      const res = await http()
        .get(URL)
        .set('Accept', 'text/csv')
        .auth(org.supervisorA.token, bearer)
        .expect(200);
      expect(res.text.trim().split('\n')).toEqual([
        'from,to,days,cohort,eligible,active,rate',
        '2024-01-01,2024-03-31,30,3,3,1,0.3333',
        '2024-01-01,2024-03-31,90,3,3,1,0.3333',
        '2024-01-01,2024-03-31,180,3,3,1,0.3333',
      ]);
    });
  });
});
