import { createHash, randomUUID } from 'node:crypto';

import request from 'supertest';
import { DataSource } from 'typeorm';

import { loadConfig } from '../../src/config/configuration';
import { createDataSource } from '../../src/database/data-source';
import { createClient } from '../factories/client.factory';
import { dischargeBody } from '../factories/discharge.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { eventually } from '../helpers/eventually';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

// Idempotency-Key on a creating POST (SPEC 1), through its states: in_flight while the handler
// runs, committed with the handler's own transaction, done once the response is stored.
describe('Idempotency-Key: in flight, committed, replayed (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let owner: DataSource;
  const http = () => request(t.app.getHttpServer());
  const discharge = (clientId: string, key: string, body: Record<string, unknown>) =>
    http()
      .post(`/api/v1/clients/${clientId}/discharges`)
      .auth(org.peerA1.token, { type: 'bearer' })
      .set('Idempotency-Key', key)
      .send(body);
  const discharges = async (clientId: string): Promise<number> =>
    (
      await t.dataSource.query(`SELECT count(*)::int AS n FROM discharge WHERE client_id = $1`, [
        clientId,
      ])
    )[0].n;
  const keyState = async (key: string): Promise<string | undefined> =>
    (await t.dataSource.query(`SELECT state FROM idempotency_key WHERE key = $1`, [key]))[0]?.state;
  const newClient = () =>
    createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerA1.id });

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    owner = createDataSource(loadConfig().db);
    await owner.initialize();
  });
  afterAll(async () => {
    await owner.destroy();
    await t.close();
  });

  it('should answer 409 IDEMPOTENCY_IN_FLIGHT with Retry-After while the first request runs, then replay it', async () => {
    const clientId = await newClient();
    const key = randomUUID();
    const body = dischargeBody();
    // Hold the client row: the discharge waits on it (FOR SHARE) with its key claimed.
    const lock = t.dataSource.createQueryRunner();
    await lock.startTransaction();
    let first: Promise<request.Response> | undefined;
    try {
      await lock.query(`SELECT 1 FROM client WHERE id = $1 FOR UPDATE`, [clientId]);
      first = discharge(clientId, key, body).then((r) => r);
      await eventually(
        async () => ((await keyState(key)) === 'in_flight' ? true : undefined),
        5000,
        'claimed key',
      );
      const second = await discharge(clientId, key, body).expect(409);
      expect(second.body).toEqual(
        problem(
          409,
          'IDEMPOTENCY_IN_FLIGHT',
          'A request with this Idempotency-Key is in progress.',
        ),
      );
      expect(second.headers['retry-after']).toBe('1');
    } finally {
      await lock.rollbackTransaction();
      await lock.release();
    }
    const created = await first!;
    expect(created.status).toBe(201);
    expect(await keyState(key)).toBe('done');
    const replay = await discharge(clientId, key, body).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(created.body);
    expect(await discharges(clientId)).toBe(1);
  });

  it('should replay a created note with its ETag, and answer a route without the header as before', async () => {
    const clientId = await newClient();
    const key = randomUUID();
    const end = Date.now() - 3600_000;
    const note = {
      startedAt: new Date(end - 30 * 60_000).toISOString(),
      endedAt: new Date(end).toISOString(),
      contactType: 'phone',
      format: 'narrative',
      sections: { narrative: 'Talked through the week.' },
    };
    const post = () =>
      http()
        .post(`/api/v1/clients/${clientId}/session-notes`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .set('Idempotency-Key', key)
        .send(note)
        .expect(201);
    const created = await post();
    const replay = await post();
    expect(created.headers.etag).toBe('"1"');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers.etag).toBe('"1"');
    expect(replay.body).toEqual(created.body);
    const notes = await t.dataSource.query(`SELECT id FROM session_note WHERE client_id = $1`, [
      clientId,
    ]);
    expect(notes).toEqual([{ id: created.body.id }]);
    // Not an idempotent route: the key is ignored and nothing is stored for it.
    const other = randomUUID();
    await http()
      .get('/api/v1/me')
      .auth(org.peerA1.token, { type: 'bearer' })
      .set('Idempotency-Key', other)
      .expect(200);
    expect(await keyState(other)).toBeUndefined();
  });

  it('should mark the key committed in the write’s transaction, so a request that died before storing its response never runs again', async () => {
    const clientId = await newClient();
    const key = randomUUID();
    const body = dischargeBody();
    // Stands in for a crash between the handler's commit and the response being stored.
    await owner.query(`
      CREATE FUNCTION test_refuse_done() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'process died'; END $$;
      CREATE TRIGGER test_refuse_done BEFORE UPDATE ON idempotency_key
        FOR EACH ROW WHEN (NEW.state = 'done') EXECUTE FUNCTION test_refuse_done();`);
    try {
      await discharge(clientId, key, body).expect(500);
    } finally {
      await owner.query(
        `DROP TRIGGER test_refuse_done ON idempotency_key; DROP FUNCTION test_refuse_done();`,
      );
    }
    expect(await discharges(clientId)).toBe(1);
    expect(await keyState(key)).toBe('committed');
    // Still fresh: it looks in flight. Once stale, it is never taken over (unlike an in-flight key).
    await discharge(clientId, key, body).expect(409);
    await owner.query(
      `UPDATE idempotency_key SET created_at = now() - interval '2 minutes' WHERE key = $1`,
      [key],
    );
    const lost = await discharge(clientId, key, body).expect(409);
    expect(lost.body).toEqual(
      problem(
        409,
        'IDEMPOTENCY_RESPONSE_LOST',
        'The request with this Idempotency-Key was applied, but its response was not kept; read the record instead of posting again.',
      ),
    );
    expect(await discharges(clientId)).toBe(1);
  });

  it('should run a request again once its stale key never committed (the first died before its transaction did)', async () => {
    const clientId = await newClient();
    const key = randomUUID();
    const body = dischargeBody();
    const route = `POST /api/v1/clients/${clientId}/discharges`;
    const hash = createHash('sha256').update(route).update(JSON.stringify(body)).digest();
    await t.dataSource.query(
      `INSERT INTO idempotency_key (principal_id, key, route, request_hash, state, created_at)
       VALUES ($1, $2, $3, $4, 'in_flight', now() - interval '2 minutes')`,
      [org.peerA1.id, key, route, hash],
    );
    await discharge(clientId, key, body).expect(201);
    expect(await discharges(clientId)).toBe(1);
    expect(await keyState(key)).toBe('done');
  });

  it('should free the key of a request that failed before writing, for a corrected retry', async () => {
    const clientId = await newClient();
    const key = randomUUID();
    const future = dischargeBody({ dischargedAt: new Date(Date.now() + 3600_000).toISOString() });
    await discharge(clientId, key, future).expect(400);
    expect(await keyState(key)).toBeUndefined();
    await discharge(clientId, key, dischargeBody()).expect(201);
    expect(await discharges(clientId)).toBe(1);
  });
});
