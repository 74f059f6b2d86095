import { seedDemoDatabase } from '../../src/database/seeds/demo';
import { createTestApp, TestApp } from '../setup/create-test-app';

describe('demo caseloads seed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoDatabase();
    await seedDemoDatabase(); // idempotent
  });
  afterAll(() => t.close());

  it('should give each demo peer one unexpired CPRS credential and 3-4 fictional clients, once', async () => {
    const rows = await t.dataSource.query(
      `SELECT u.email,
         (SELECT count(*)::int FROM specialist_certification sc WHERE sc.user_id = u.id AND sc.credential = 'CPRS'
            AND sc.expires_on > current_date) AS credentials,
         (SELECT count(*)::int FROM client c WHERE c.primary_specialist_id = u.id AND c.status <> 'closed') AS clients,
         (SELECT count(*)::int FROM client_assignment a JOIN client c ON c.id = a.client_id
            WHERE c.primary_specialist_id = u.id AND a.ended_at IS NULL) AS open_assignments
       FROM app_user u WHERE u.role = 'peer_specialist' AND u.email LIKE '%@demo.test' ORDER BY u.email`,
    );
    expect(rows).toEqual([
      { email: 'peer1@demo.test', credentials: 1, clients: 4, open_assignments: 4 },
      { email: 'peer2@demo.test', credentials: 1, clients: 3, open_assignments: 3 },
      { email: 'peer3@demo.test', credentials: 1, clients: 3, open_assignments: 3 },
    ]);
  });
});
