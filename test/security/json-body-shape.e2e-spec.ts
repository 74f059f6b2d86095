import request from 'supertest';

import { createClient, createFollowUp } from '../factories/client.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

// Found by test/security/fuzz.e2e-spec.ts: a JSON body that is not an object reached the services.
describe('a JSON body must be an object (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let clientId: string;
  const http = () => request(t.app.getHttpServer());
  const notAnObject = problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
    { field: 'body', message: 'body must be a JSON object' },
  ]);
  const stored = async () =>
    (
      await t.dataSource.query(`SELECT version, first_name FROM client WHERE id = $1`, [clientId])
    )[0];

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    clientId = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
  });
  afterAll(() => t.close());

  it.each(['[]', '[{"firstName":"Array"}]', '"text"', '42', 'true'])(
    'should answer 400 and change nothing when a PATCH body is %s',
    async (body) => {
      const before = await stored();
      const res = await http()
        .patch(`/api/v1/clients/${clientId}`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .set('If-Match', `"${before.version}"`)
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(400);
      expect(res.body).toEqual(notAnObject);
      expect(await stored()).toEqual(before);
    },
  );

  it('should answer 400 to an action whose body is an array', async () => {
    const followUp = await createFollowUp(t.dataSource, {
      organizationId: org.id,
      clientId,
      ownerId: org.peerA1.id,
      dueAt: new Date(),
    });
    const res = await http()
      .post(`/api/v1/follow-ups/${followUp}/cancel`)
      .auth(org.peerA1.token, { type: 'bearer' })
      .set('Content-Type', 'application/json')
      .send('[]')
      .expect(400);
    expect(res.body).toEqual(notAnObject);
    const [row] = await t.dataSource.query(`SELECT status FROM follow_up WHERE id = $1`, [
      followUp,
    ]);
    expect(row.status).toBe('requested');
  });

  it('should still take an object, and an empty body as an empty object', async () => {
    const before = await stored();
    const res = await http()
      .patch(`/api/v1/clients/${clientId}`)
      .auth(org.peerA1.token, { type: 'bearer' })
      .set('If-Match', `"${before.version}"`)
      .send({ firstName: 'Renamed' })
      .expect(200);
    expect(res.body.firstName).toBe('Renamed');
    expect(await stored()).toEqual({ version: before.version + 1, first_name: 'Renamed' });
  });
});
