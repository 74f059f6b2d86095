import { createHash, createHmac, hkdfSync, randomUUID } from 'node:crypto';

import request from 'supertest';
import { DataSource } from 'typeorm';

import { Role } from '../../src/auth/permissions';
import { FINGERPRINT_KEY_INFO } from '../../src/modules/idempotency/idempotency.interceptor';
import { loadConfig } from '../../src/config/configuration';
import { createDataSource } from '../../src/database/data-source';
import { createClient } from '../factories/client.factory';
import { dischargeBody } from '../factories/discharge.factory';
import { createTestOrg, createUser, TestOrg } from '../factories/people.factory';
import { eventually } from '../helpers/eventually';
import { openStoredResponse } from '../helpers/idempotency';
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
  // Computed here from the server secret (test-env's JWT_SECRET) and the documented label.
  const fingerprint = (route: string, body: unknown): Buffer => {
    const secret = Buffer.from(process.env.JWT_SECRET!, 'base64');
    const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), FINGERPRINT_KEY_INFO, 32));
    return createHmac('sha256', key)
      .update(route)
      .update('\n')
      .update(JSON.stringify(body))
      .digest();
  };
  const noteBody = (narrative = 'Talked through the week.') => {
    const end = Date.now() - 3600_000;
    return {
      startedAt: new Date(end - 30 * 60_000).toISOString(),
      endedAt: new Date(end).toISOString(),
      contactType: 'phone',
      format: 'narrative',
      sections: { narrative },
    };
  };
  const postNote = (token: string, clientId: string, key: string, body: Record<string, unknown>) =>
    http()
      .post(`/api/v1/clients/${clientId}/session-notes`)
      .auth(token, { type: 'bearer' })
      .set('Idempotency-Key', key)
      .send(body);

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
    const hash = fingerprint(route, body);
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

  describe('what the key store keeps (security review, issue 11)', () => {
    const newUser = () => ({
      email: `idem-${randomUUID()}@example.test`,
      password: 'A-long-enough-password',
      firstName: 'Robin',
      lastName: 'Lee',
      role: 'peer_specialist',
      teamIds: [org.teamA],
    });
    const createUserWithKey = (token: string, key: string, body: Record<string, unknown>) =>
      http()
        .post('/api/v1/users')
        .auth(token, { type: 'bearer' })
        .set('Idempotency-Key', key)
        .send(body);

    it('should store an HMAC of the body without its password, never a plain SHA-256 of it, and no readable response', async () => {
      const key = randomUUID();
      const body = newUser();
      const created = await createUserWithKey(org.admin.token, key, body).expect(201);
      const [row] = await t.dataSource.query(
        `SELECT principal_id, key, request_hash, response_sealed FROM idempotency_key WHERE principal_id = $1 AND key = $2`,
        [org.admin.id, key],
      );
      const route = 'POST /api/v1/users';
      const plainSha = createHash('sha256').update(route).update(JSON.stringify(body)).digest();
      const { password: _password, ...withoutPassword } = body;
      expect(row.request_hash.equals(plainSha)).toBe(false);
      expect(row.request_hash.equals(fingerprint(route, body))).toBe(false);
      expect(row.request_hash.equals(fingerprint(route, withoutPassword))).toBe(true);
      // The stored response is sealed: neither the email nor the name is readable in it.
      expect(row.response_sealed.includes(Buffer.from(body.email))).toBe(false);
      expect(row.response_sealed.includes(Buffer.from('Robin'))).toBe(false);
      expect(JSON.parse(openStoredResponse(row))).toEqual(created.body);
      const columns = await t.dataSource.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'idempotency_key' ORDER BY column_name`,
      );
      expect(columns.map((c: { column_name: string }) => c.column_name)).not.toContain(
        'response_body',
      );
      // Another password under the same key is the same request (the password is not in the
      // fingerprint): the first response, marked replayed, and still one user.
      const again = await createUserWithKey(org.admin.token, key, {
        ...body,
        password: 'Another-long-password',
      }).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(created.body);
      expect(again.body).not.toHaveProperty('password');
      const users = await t.dataSource.query(`SELECT id FROM app_user WHERE email = $1`, [
        body.email,
      ]);
      expect(users).toEqual([{ id: created.body.id }]);
    });

    it('should never give another caller the response stored under the same key', async () => {
      const key = randomUUID();
      const body = newUser();
      const created = await createUserWithKey(org.admin.token, key, body).expect(201);
      const otherAdmin = await createUser(t.app, org.id, Role.Admin);
      // The same key and body from another admin is their own request: it runs (and meets the
      // user the first created), it does not read the first admin's stored response.
      const theirs = await createUserWithKey(otherAdmin.token, key, body);
      expect(theirs.headers['idempotent-replayed']).toBeUndefined();
      expect(theirs.status).toBe(409);
      expect(theirs.body).not.toEqual(created.body);
    });

    it('should bind a sealed response to its own key: one copied onto another key is not served', async () => {
      const clientId = await newClient();
      const [k1, k2] = [randomUUID(), randomUUID()];
      await postNote(org.peerA1.token, clientId, k1, noteBody('First.')).expect(201);
      const body2 = noteBody('Second.');
      await postNote(org.peerA1.token, clientId, k2, body2).expect(201);
      await owner.query(
        `UPDATE idempotency_key SET response_sealed =
           (SELECT response_sealed FROM idempotency_key WHERE key = $1) WHERE key = $2`,
        [k1, k2],
      );
      const replay = await postNote(org.peerA1.token, clientId, k2, body2).expect(409);
      expect(replay.body).toEqual(
        problem(
          409,
          'IDEMPOTENCY_RESPONSE_LOST',
          'The request with this Idempotency-Key was applied, but its response was not kept; read the record instead of posting again.',
        ),
      );
    });

    it('should answer a replay with 404, as a fresh request, once the caller no longer sees the client (and audit the denial)', async () => {
      const clientId = await newClient();
      const key = randomUUID();
      const body = noteBody();
      await postNote(org.peerA1.token, clientId, key, body).expect(201);
      // Reassigned to a colleague: peerA1 no longer sees the client.
      await t.dataSource.query(`UPDATE client SET primary_specialist_id = $2 WHERE id = $1`, [
        clientId,
        org.peerA2.id,
      ]);
      const fresh = await postNote(org.peerA1.token, clientId, randomUUID(), body).expect(404);
      const replay = await postNote(org.peerA1.token, clientId, key, body).expect(404);
      expect(replay.headers['idempotent-replayed']).toBeUndefined();
      expect(replay.body).toEqual(problem(404, 'NOT_FOUND', 'Client not found.'));
      expect({ ...replay.body, correlationId: null }).toEqual({
        ...fresh.body,
        correlationId: null,
      });
      const denials = await t.dataSource.query(
        `SELECT actor_id, action, outcome, resource_type, resource_id FROM audit_event
          WHERE correlation_id = $1`,
        [replay.headers['x-correlation-id']],
      );
      expect(denials).toEqual([
        {
          actor_id: org.peerA1.id,
          action: 'client.access',
          outcome: 'denied',
          resource_type: 'Client',
          resource_id: clientId,
        },
      ]);
      // Covering the client again (scope back): the replay answers the first response.
      await t.dataSource.query(`UPDATE client SET primary_specialist_id = $2 WHERE id = $1`, [
        clientId,
        org.peerA1.id,
      ]);
      await postNote(org.peerA1.token, clientId, key, body).expect(201);
    });

    it('should answer a goal replay as a fresh request would (Recovery plan not found) once the client is out of scope', async () => {
      const clientId = await newClient();
      const plan = await http()
        .post(`/api/v1/clients/${clientId}/recovery-plans`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .send({ title: 'Recovery plan' })
        .expect(201);
      const key = randomUUID();
      const goal = { description: 'Walk every morning', domain: 'health' };
      const post = (k: string) =>
        http()
          .post(`/api/v1/recovery-plans/${plan.body.id}/goals`)
          .auth(org.peerA1.token, { type: 'bearer' })
          .set('Idempotency-Key', k)
          .send(goal);
      await post(key).expect(201);
      await t.dataSource.query(`UPDATE client SET primary_specialist_id = $2 WHERE id = $1`, [
        clientId,
        org.peerB1.id,
      ]);
      const fresh = await post(randomUUID()).expect(404);
      const replay = await post(key).expect(404);
      expect(replay.body).toEqual(problem(404, 'NOT_FOUND', 'Recovery plan not found.'));
      expect(fresh.body.detail).toBe(replay.body.detail);
    });

    it('should audit a replay with ids only (idempotency.replay)', async () => {
      const clientId = await newClient();
      const key = randomUUID();
      const body = noteBody();
      const created = await postNote(org.peerA1.token, clientId, key, body).expect(201);
      const replay = await postNote(org.peerA1.token, clientId, key, body).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      const events = await t.dataSource.query(
        `SELECT actor_id, actor_role, action, outcome, client_id, resource_type, resource_id
           FROM audit_event WHERE correlation_id = $1`,
        [replay.headers['x-correlation-id']],
      );
      expect(events).toEqual([
        {
          actor_id: org.peerA1.id,
          actor_role: 'peer_specialist',
          action: 'idempotency.replay',
          outcome: 'success',
          client_id: clientId,
          resource_type: 'SessionNote',
          resource_id: created.body.id,
        },
      ]);
    });
  });
});
