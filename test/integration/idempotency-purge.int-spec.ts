import { randomUUID } from 'node:crypto';

import { IdempotencyPurgeWorker } from '../../src/modules/idempotency/idempotency-purge.worker';
import { IdempotencyRepository } from '../../src/modules/idempotency/idempotency.repository';
import { createTestApp, TestApp } from '../setup/create-test-app';

describe('idempotency key purge (integration)', () => {
  let t: TestApp;
  const principal = randomUUID();
  const insert = (key: string, state: string, hoursAgo: number) =>
    t.dataSource.query(
      `INSERT INTO idempotency_key (principal_id, key, route, request_hash, state, response_status, response_sealed, created_at)
       VALUES ($1, $2, 'POST /api/v1/clients', '\\x00', $3, 201, '\\x00', now() - make_interval(hours => $4))`,
      [principal, key, state, hoursAgo],
    );

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('should delete keys past their 24 hours, whatever their state, and keep recent ones', async () => {
    await insert('old-done', 'done', 25);
    await insert('old-committed', 'committed', 25);
    await insert('old-in-flight', 'in_flight', 25);
    await insert('recent-done', 'done', 23);
    await insert('recent-in-flight', 'in_flight', 1);
    expect(
      await new IdempotencyPurgeWorker(new IdempotencyRepository(t.dataSource)).purgeOnce(),
    ).toBe(3);
    const left = await t.dataSource.query(
      `SELECT key FROM idempotency_key WHERE principal_id = $1 ORDER BY key`,
      [principal],
    );
    expect(left).toEqual([{ key: 'recent-done' }, { key: 'recent-in-flight' }]);
  });
});
