import request from 'supertest';

import { createTestApp, TestApp } from '../setup/create-test-app';
import { createClient } from '../factories/client.factory';
import { insertCompletedContact, insertDischarge } from '../factories/discharge.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { problem } from '../helpers/problem';

const URL = '/api/v1/reports/follow-up-rates?from=2026-01-01&to=2026-01-31';

describe('GET /api/v1/reports/follow-up-rates (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  const http = () => request(t.app.getHttpServer());

  /** A client of `specialistId` discharged from `levelOfCare` at `dischargedAt`, contacted at `contacts`. */
  const history = async (
    specialistId: string,
    levelOfCare: string,
    dischargedAt: string,
    contacts: string[] = [],
  ) => {
    const clientId = await createClient(t.dataSource, { organizationId: org.id, specialistId });
    const dischargeId = await insertDischarge(t.dataSource, {
      organizationId: org.id,
      clientId,
      levelOfCare,
      dischargedAt: new Date(dischargedAt),
    });
    for (const at of contacts)
      await insertCompletedContact(t.dataSource, {
        organizationId: org.id,
        clientId,
        dischargeId,
        completedAt: new Date(at),
      });
    return clientId;
  };
  const note = (clientId: string, startedAt: string, status: 'draft' | 'signed') =>
    t.dataSource.query(
      `INSERT INTO session_note (organization_id, client_id, author_id, status, started_at, ended_at, contact_type, format, signed_at, content_hash)
       VALUES ($1, $2, $3, $4, $5, $5, 'phone', 'narrative', $6, $7)`,
      [
        org.id,
        clientId,
        org.peerA1.id,
        status,
        new Date(startedAt),
        status === 'signed' ? new Date(startedAt) : null,
        status === 'signed' ? 'hash' : null,
      ],
    );

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    // FUI: a contact on the discharge date does not count; the one 10 days later counts for 30 only.
    await history(org.peerA1.id, 'withdrawal_management', '2026-01-10T15:00:00Z', [
      '2026-01-10T20:00:00Z',
      '2026-01-20T09:00:00Z',
    ]);
    // FUI: a contact on day 7 counts for both.
    await history(org.peerA1.id, 'withdrawal_management', '2026-01-05T10:00:00Z', [
      '2026-01-12T09:00:00Z',
    ]);
    // FUA: a contact on the visit date counts.
    await history(org.peerA2.id, 'emergency_department', '2026-01-15T22:00:00Z', [
      '2026-01-15T23:00:00Z',
    ]);
    // No contact at all; a draft note is not a contact.
    const silent = await history(org.peerA2.id, 'emergency_department', '2026-01-16T08:00:00Z');
    await note(silent, '2026-01-17T08:00:00Z', 'draft');
    // A signed session note of a phone contact counts.
    const noted = await history(org.peerA1.id, 'emergency_department', '2026-01-17T08:00:00Z');
    await note(noted, '2026-01-20T08:00:00Z', 'signed');
    // A completion the client declined is no contact; a contact on day 8 counts for 30 days only.
    const declined = await history(org.peerA1.id, 'intensive_outpatient', '2026-01-12T08:00:00Z');
    await insertCompletedContact(t.dataSource, {
      organizationId: org.id,
      clientId: declined,
      completedAt: new Date('2026-01-13T08:00:00Z'),
      outcome: 'declined',
    });
    await history(org.peerA1.id, 'outpatient', '2026-01-12T08:00:00Z', ['2026-01-20T08:00:00Z']);
    // Outside the period, and outside team A's scope.
    await history(org.peerA1.id, 'residential', '2026-02-05T08:00:00Z', ['2026-02-06T08:00:00Z']);
    await history(org.peerB1.id, 'inpatient', '2026-01-10T08:00:00Z', ['2026-01-13T08:00:00Z']);
  });
  afterAll(() => t.close());

  it('should answer 401 without a token and 403 for a peer specialist', async () => {
    await http().get(URL).expect(401);
    const res = await http().get(URL).auth(org.peerA1.token, { type: 'bearer' }).expect(403);
    expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
  });

  it('should answer 400 with the exact errors for bad dates', async () => {
    const res = await http()
      .get('/api/v1/reports/follow-up-rates?from=jan')
      .auth(org.admin.token, { type: 'bearer' })
      .expect(400);
    expect(res.body).toEqual(
      problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
        { field: 'from', message: 'from must be a date (YYYY-MM-DD)' },
        { field: 'to', message: 'to must be a date (YYYY-MM-DD)' },
      ]),
    );
    const reversed = await http()
      .get('/api/v1/reports/follow-up-rates?from=2026-02-01&to=2026-01-01')
      .auth(org.admin.token, { type: 'bearer' })
      .expect(400);
    expect(reversed.body.errors).toEqual([{ field: 'to', message: 'to must not be before from' }]);
  });

  it('should apply the FUI and FUA day rules per level of care over the supervisor’s teams', async () => {
    const res = await http().get(URL).auth(org.supervisorA.token, { type: 'bearer' }).expect(200);
    expect(res.body.basis).toBe('operational');
    expect(res.body.items).toEqual([
      {
        levelOfCare: 'withdrawal_management',
        discharges: 2,
        within7Days: 1,
        within30Days: 2,
        rate7: 0.5,
        rate30: 1,
      },
      {
        levelOfCare: 'inpatient',
        discharges: 0,
        within7Days: 0,
        within30Days: 0,
        rate7: null,
        rate30: null,
      },
      {
        levelOfCare: 'residential',
        discharges: 0,
        within7Days: 0,
        within30Days: 0,
        rate7: null,
        rate30: null,
      },
      {
        levelOfCare: 'emergency_department',
        discharges: 3,
        within7Days: 2,
        within30Days: 2,
        rate7: 0.6667,
        rate30: 0.6667,
      },
      {
        levelOfCare: 'intensive_outpatient',
        discharges: 1,
        within7Days: 0,
        within30Days: 0,
        rate7: 0,
        rate30: 0,
      },
      {
        levelOfCare: 'outpatient',
        discharges: 1,
        within7Days: 0,
        within30Days: 1,
        rate7: 0,
        rate30: 1,
      },
    ]);
  });

  it('should cover the whole organization for an admin and audit the read', async () => {
    const res = await http().get(URL).auth(org.admin.token, { type: 'bearer' }).expect(200);
    expect(res.body).toMatchObject({ from: '2026-01-01', to: '2026-01-31', basis: 'operational' });
    expect(res.body.items[1]).toEqual({
      levelOfCare: 'inpatient',
      discharges: 1,
      within7Days: 1,
      within30Days: 1,
      rate7: 1,
      rate30: 1,
    });
    const [audit] = await t.dataSource.query(
      `SELECT action FROM audit_event WHERE actor_id = $1 AND action = 'report.follow-up-rates'`,
      [org.admin.id],
    );
    expect(audit).toEqual({ action: 'report.follow-up-rates' });
  });
});
