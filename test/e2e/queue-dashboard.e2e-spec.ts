import request from 'supertest';

import { QueueName } from '../../src/queue/jobs';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { problem } from '../helpers/problem';

describe('queue dashboard /admin/queues (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
  });
  afterAll(() => t.close());

  it('should answer 401 without a token or with a forged one', async () => {
    const res = await http().get('/admin/queues').expect(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toEqual(problem(401, 'UNAUTHENTICATED', 'A valid access token is required.'));
    await http()
      .get('/admin/queues/api/queues')
      .auth('not.a.token', { type: 'bearer' })
      .expect(401);
  });

  it('should answer 403 for supervisors and peers', async () => {
    const res = await http()
      .get('/admin/queues/api/queues')
      .auth(org.supervisorA.token, { type: 'bearer' })
      .expect(403);
    expect(res.body).toEqual(problem(403, 'FORBIDDEN', 'Your role may not perform this action.'));
    await http().get('/admin/queues').auth(org.peerA1.token, { type: 'bearer' }).expect(403);
  });

  it('should show an admin the board and every queue', async () => {
    await http().get('/admin/queues').auth(org.admin.token, { type: 'bearer' }).expect(200);
    const res = await http()
      .get('/admin/queues/api/queues')
      .auth(org.admin.token, { type: 'bearer' })
      .expect(200);
    expect(res.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(
      Object.values(QueueName).sort(),
    );
  });
});
