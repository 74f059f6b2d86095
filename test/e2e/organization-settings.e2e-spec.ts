import { randomUUID } from 'node:crypto';

import request from 'supertest';

import { createTestOrg, TestOrg } from '../factories/people.factory';
import { bearer } from '../helpers/http';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

describe('organization settings /api/v1/settings/organization (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  const path = '/api/v1/settings/organization';
  const http = () => request(t.app.getHttpServer());
  const read = (who = org) => http().get(path).auth(who.admin.token, bearer);
  const patch = (version: number | string, body: Record<string, unknown>) =>
    http().patch(path).auth(org.admin.token, bearer).set('If-Match', `"${version}"`).send(body);
  const stored = async (id = org.id) =>
    (await t.dataSource.query(`SELECT settings, version FROM organization WHERE id = $1`, [id]))[0];

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    other = await createTestOrg(t.app);
  });
  afterAll(() => t.close());

  it('should answer 401 without a token', async () => {
    await http().get(path).expect(401);
    await http().patch(path).send({ caseloadCap: 5 }).expect(401);
  });

  it('should answer 403 to supervisors and peers, reading or writing', async () => {
    for (const user of [org.supervisorA, org.peerA1]) {
      const res = await http().get(path).auth(user.token, bearer).expect(403);
      expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
      await http()
        .patch(path)
        .auth(user.token, bearer)
        .set('If-Match', '"1"')
        .send({ caseloadCap: 5 })
        .expect(403);
    }
    expect((await stored()).settings).toEqual({});
  });

  it('should show the defaults in force, with the version as ETag', async () => {
    const res = await read().expect(200);
    expect(res.body).toEqual({
      caseloadCap: 25,
      credentialGraceDays: 0,
      ceRequiredHours: 20,
      ceRequiredEthicsHours: 6,
      ceCycleYears: 2,
      followUpUnreachableEscalationAttempts: 3,
      referralFollowUpDays: 7,
      timeZone: 'UTC',
      version: (await stored()).version,
    });
    expect(res.headers.etag).toBe(`"${res.body.version}"`);
  });

  it('should answer 400 with the exact errors and change nothing', async () => {
    const { version } = await stored();
    const res = await patch(version, {
      caseloadCap: 0,
      credentialGraceDays: 'seven',
      ceCycleYears: 1.5,
      theme: 'dark',
    }).expect(400);
    expect(res.body).toEqual(
      problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
        { field: 'caseloadCap', message: 'caseloadCap must not be less than 1' },
        { field: 'ceCycleYears', message: 'ceCycleYears must be an integer number' },
        { field: 'credentialGraceDays', message: 'credentialGraceDays must be an integer number' },
        { field: 'theme', message: 'property theme should not exist' },
      ]),
    );
    const ethics = await patch(version, { ceRequiredHours: 10, ceRequiredEthicsHours: 12 }).expect(
      400,
    );
    expect(ethics.body.errors).toEqual([
      {
        field: 'ceRequiredEthicsHours',
        message: 'ceRequiredEthicsHours must not exceed ceRequiredHours',
      },
    ]);
    const referrals = await patch(version, { referralFollowUpDays: 0, timeZone: 5 }).expect(400);
    expect(referrals.body.errors).toEqual([
      { field: 'referralFollowUpDays', message: 'referralFollowUpDays must not be less than 1' },
      { field: 'timeZone', message: 'timeZone must be a string' },
    ]);
    const zone = await patch(version, { timeZone: 'Mars/Olympus_Mons' }).expect(400);
    expect(zone.body.errors).toEqual([
      { field: 'timeZone', message: 'timeZone must be an IANA time zone name' },
    ]);
    expect(await stored()).toEqual({ settings: {}, version });
  });

  it('should require If-Match (428) and refuse a stale one (412)', async () => {
    const { version } = await stored();
    const missing = await http()
      .patch(path)
      .auth(org.admin.token, bearer)
      .send({ caseloadCap: 5 })
      .expect(428);
    expect(missing.body.code).toBe('PRECONDITION_REQUIRED');
    const stale = await patch(version + 7, { caseloadCap: 5 }).expect(412);
    expect(stale.body.code).toBe('PRECONDITION_FAILED');
    expect((await stored()).settings).toEqual({});
  });

  it('should update only the given settings, audit it, leave other organizations alone, and apply them', async () => {
    const { version } = await stored();
    const res = await patch(version, {
      caseloadCap: 1,
      ceRequiredHours: 30,
      ceRequiredEthicsHours: 8,
    }).expect(200);
    expect(res.body).toEqual({
      caseloadCap: 1,
      credentialGraceDays: 0,
      ceRequiredHours: 30,
      ceRequiredEthicsHours: 8,
      ceCycleYears: 2,
      followUpUnreachableEscalationAttempts: 3,
      referralFollowUpDays: 7,
      timeZone: 'UTC',
      version: version + 1,
    });
    expect(res.headers.etag).toBe(`"${version + 1}"`);
    expect(await stored()).toEqual({
      settings: { caseloadCap: 1, ceRequiredHours: 30, ceRequiredEthicsHours: 8 },
      version: version + 1,
    });
    const audit = await t.dataSource.query(
      `SELECT actor_id, resource_id FROM audit_event WHERE organization_id = $1 AND action = 'organization.settings.update'`,
      [org.id],
    );
    expect(audit).toEqual([{ actor_id: org.admin.id, resource_id: org.id }]);
    expect((await read(other).expect(200)).body.caseloadCap).toBe(25);
    // In force: the renewal rule of a profile, and the cap on a peer's new client.
    const profile = await http()
      .get(`/api/v1/specialists/${org.peerA1.id}`)
      .auth(org.peerA1.token, bearer)
      .expect(200);
    expect(profile.body.renewal).toEqual(
      expect.objectContaining({ requiredHours: 30, requiredEthicsHours: 8 }),
    );
    const client = (n: number) => ({
      firstName: 'Alex',
      lastName: `Fictional-${randomUUID().slice(0, 8)}-${n}`,
      dateOfBirth: '1988-03-14',
    });
    await http().post('/api/v1/clients').auth(org.peerA1.token, bearer).send(client(1)).expect(201);
    const capped = await http()
      .post('/api/v1/clients')
      .auth(org.peerA1.token, bearer)
      .send(client(2))
      .expect(422);
    expect(capped.body.code).toBe('CASELOAD_CAP_EXCEEDED');
  });

  it('should let exactly one of parallel updates with one ETag win', async () => {
    const { version } = await stored();
    const results = await Promise.all(
      [2, 3, 4, 5, 6].map((days) => patch(version, { credentialGraceDays: days })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412, 412, 412, 412]);
    const winner = results.find((r) => r.status === 200)!;
    expect((await stored()).settings.credentialGraceDays).toBe(winner.body.credentialGraceDays);
    expect((await stored()).version).toBe(version + 1);
  });
});
