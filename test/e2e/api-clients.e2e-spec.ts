import { randomUUID } from 'node:crypto';

import { exportJWK, generateKeyPair, KeyLike, SignJWT } from 'jose';
import request from 'supertest';

import { AuthRepository } from '../../src/auth/auth.repository';
import { SessionCheckService } from '../../src/auth/session-check.service';
import { TokenService } from '../../src/auth/token.service';
import { CONFIG } from '../../src/config/config.module';
import { Config } from '../../src/config/configuration';
import { bearer } from '../helpers/http';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { TEST_ENV } from '../setup/test-env';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { problem } from '../helpers/problem';
import { openStoredResponse } from '../helpers/idempotency';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('API clients and OAuth client credentials (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let other: TestOrg;
  let created: { id: string; clientId: string; clientSecret: string; version: number };
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    other = await createTestOrg(t.app);
    created = (
      await http()
        .post('/api/v1/api-clients')
        .auth(org.admin.token, bearer)
        .send({ name: 'County EHR', scopes: ['system/Patient.read', 'discharges:write'] })
        .expect(201)
    ).body;
  });
  afterAll(() => t.close());

  it('should show the secret once and store only its hash', async () => {
    expect(created).toEqual({
      id: expect.any(String),
      name: 'County EHR',
      clientId: expect.stringMatching(/^rb_[0-9a-f]{24}$/),
      clientSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      scopes: ['system/Patient.read', 'discharges:write'],
      purpose: 'treatment',
      jwks: null,
      jwksUrl: null,
      active: true,
      version: 1,
      createdAt: expect.any(String),
    });
    const [row] = await t.dataSource.query(
      `SELECT encode(secret_hash, 'hex') AS h FROM api_client WHERE id = $1`,
      [created.id],
    );
    expect(row.h).not.toContain(created.clientSecret);
    const list = await http().get('/api/v1/api-clients').auth(org.admin.token, bearer).expect(200);
    expect(list.body.items[0]).not.toHaveProperty('clientSecret');
    const otherList = await http()
      .get('/api/v1/api-clients')
      .auth(other.admin.token, bearer)
      .expect(200);
    expect(otherList.body.items).toEqual([]);
  });

  it('should never store the secret for an Idempotency-Key replay, which answers without it', async () => {
    const send = () =>
      http()
        .post('/api/v1/api-clients')
        .auth(org.admin.token, bearer)
        .set('Idempotency-Key', 'ehr-onboarding-1')
        .send({ name: 'Hospital EHR', scopes: ['discharges:write'] });
    const first = await send().expect(201);
    expect(first.body.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const replay = await send().expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const { clientSecret, ...rest } = first.body;
    expect(replay.body).toEqual(rest);
    const stored = await t.dataSource.query(
      `SELECT principal_id, key, response_sealed FROM idempotency_key WHERE key = 'ehr-onboarding-1'`,
    );
    expect(stored).toHaveLength(1);
    const body = openStoredResponse(stored[0]);
    expect(JSON.parse(body)).toEqual(rest);
    expect(body).not.toContain(clientSecret);
  });

  it('should answer the ladder on POST /api/v1/api-clients', async () => {
    await http()
      .post('/api/v1/api-clients')
      .send({ name: 'x', scopes: ['discharges:write'] })
      .expect(401);
    await http()
      .post('/api/v1/api-clients')
      .auth(org.supervisorA.token, bearer)
      .send({ name: 'x', scopes: ['discharges:write'] })
      .expect(403);
    const bad = await http()
      .post('/api/v1/api-clients')
      .auth(org.admin.token, bearer)
      .send({ name: 'x', scopes: ['admin'] })
      .expect(400);
    expect(bad.body.errors).toEqual([
      {
        field: 'scopes',
        message: expect.stringContaining(
          'each value in scopes must be one of the following values',
        ),
      },
    ]);
  });

  it('should issue a token with client_secret_basic (form-encoded)', async () => {
    const res = await http()
      .post('/oauth/token')
      .auth(created.clientId, created.clientSecret)
      .type('form')
      .send({ grant_type: 'client_credentials', scope: 'discharges:write' })
      .expect(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'discharges:write',
    });
    // An API client never reaches staff endpoints; /me describes it (SPEC 2: the caller).
    await http().get('/api/v1/users').auth(res.body.access_token, bearer).expect(403);
    const me = await http().get('/api/v1/me').auth(res.body.access_token, bearer).expect(200);
    expect(me.body).toEqual({
      id: created.id,
      kind: 'api_client',
      organizationId: org.id,
      name: 'County EHR',
      teamIds: [],
      scopes: ['discharges:write'],
    });
  });

  it('should issue a token with client_secret_post and all granted scopes by default', async () => {
    const res = await http()
      .post('/oauth/token')
      .type('form')
      .send({
        grant_type: 'client_credentials',
        client_id: created.clientId,
        client_secret: created.clientSecret,
      })
      .expect(200);
    expect(res.body.scope).toBe('system/Patient.read discharges:write');
  });

  it('should refuse a wrong secret, an ungranted scope and another grant type', async () => {
    const wrong = await http()
      .post('/oauth/token')
      .auth(created.clientId, 'wrong')
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(401);
    expect(wrong.body).toEqual({
      ...problem(401, 'INVALID_CLIENT', 'Client authentication failed.'),
      error: 'invalid_client',
    });
    const scope = await http()
      .post('/oauth/token')
      .auth(created.clientId, created.clientSecret)
      .type('form')
      .send({ grant_type: 'client_credentials', scope: 'referrals:write' })
      .expect(400);
    expect(scope.body.error).toBe('invalid_scope');
    const grant = await http()
      .post('/oauth/token')
      .auth(created.clientId, created.clientSecret)
      .type('form')
      .send({ grant_type: 'password' })
      .expect(400);
    expect(grant.body.errors).toEqual([
      { field: 'grant_type', message: 'grant_type must be client_credentials' },
    ]);
  });

  it('should stop a deactivated client’s tokens', async () => {
    const token = (
      await http()
        .post('/oauth/token')
        .auth(created.clientId, created.clientSecret)
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(200)
    ).body.access_token;
    await http()
      .patch(`/api/v1/api-clients/${created.id}`)
      .set('If-Match', '"1"')
      .auth(org.admin.token, bearer)
      .send({ active: false })
      .expect(200);
    const res = await http().get('/api/v1/me').auth(token, bearer);
    expect(res.status).toBe(401);
    await http()
      .post('/oauth/token')
      .auth(created.clientId, created.clientSecret)
      .type('form')
      .send({ grant_type: 'client_credentials' })
      .expect(401);
  });

  it('should check at most 10 secrets of one client under a burst of 50 guesses, then refuse even the right one', async () => {
    const target = (
      await http()
        .post('/api/v1/api-clients')
        .auth(org.admin.token, { type: 'bearer' })
        .send({ name: 'Guessed EHR', scopes: ['discharges:write'] })
        .expect(201)
    ).body as { clientId: string; clientSecret: string };
    const attempt = (secret: string, ip: string) =>
      http()
        .post('/oauth/token')
        .set('X-Forwarded-For', ip)
        .auth(target.clientId, secret)
        .type('form')
        .send({ grant_type: 'client_credentials' });
    const burst = await Promise.all(
      Array.from({ length: 50 }, (_, i) => attempt(`wrong-${i}`, `198.18.40.${i + 1}`)),
    );
    const statuses: Record<number, number> = {};
    for (const res of burst) statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    expect(statuses).toEqual({ 401: 10, 429: 40 });
    const limited = burst.find((res) => res.status === 429)!;
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.body).toEqual(problem(429, 'RATE_LIMITED', expect.any(String)));
    await attempt(target.clientSecret, '198.18.41.1').expect(429);
    // Another client is not held by this one's failures, and no token was issued to the guesser.
    const bystander = (
      await http()
        .post('/api/v1/api-clients')
        .auth(org.admin.token, { type: 'bearer' })
        .send({ name: 'Bystander EHR', scopes: ['discharges:write'] })
        .expect(201)
    ).body as { clientId: string; clientSecret: string };
    const asBystander = (secret: string) =>
      http()
        .post('/oauth/token')
        .set('X-Forwarded-For', '198.18.41.2')
        .auth(bystander.clientId, secret)
        .type('form')
        .send({ grant_type: 'client_credentials' });
    await asBystander('wrong').expect(401);
    await asBystander(bystander.clientSecret).expect(200);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_event a JOIN api_client c ON c.id = a.actor_id
        WHERE c.client_id = $1 AND a.action = 'oauth.token'`,
      [target.clientId],
    );
    expect(n).toBe(0);
  });

  it('should hold client assertions to the same attempt limit: 10 checked in a burst of 50, then even a valid one waits', async () => {
    const [{ publicKey, privateKey }, wrong] = await Promise.all([
      generateKeyPair('ES384'),
      generateKeyPair('ES384'),
    ]);
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES384' };
    const target = (
      await http()
        .post('/api/v1/api-clients')
        .auth(org.admin.token, bearer)
        .send({ name: 'Keyed EHR', scopes: ['discharges:write'], jwks: { keys: [jwk] } })
        .expect(201)
    ).body as { clientId: string };
    const { tokenEndpoint } = t.app.get<Config>(CONFIG).smart;
    const signed = (key: KeyLike) =>
      new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES384', kid: 'k1' })
        .setIssuer(target.clientId)
        .setSubject(target.clientId)
        .setAudience(tokenEndpoint)
        .setExpirationTime('2m')
        .sign(key);
    const attempt = async (key: KeyLike, ip: string) =>
      http()
        .post('/oauth/token')
        .set('X-Forwarded-For', ip)
        .type('form')
        .send({
          grant_type: 'client_credentials',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: await signed(key),
        });
    const burst = await Promise.all(
      Array.from({ length: 50 }, (_, i) => attempt(wrong.privateKey, `198.18.50.${i + 1}`)),
    );
    const statuses: Record<number, number> = {};
    for (const res of burst) statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    expect(statuses).toEqual({ 401: 10, 429: 40 });
    expect((await attempt(privateKey, '198.18.51.1')).status).toBe(429);
  });

  describe('tokens already issued when the grant changes', () => {
    const unauthenticated = problem(401, 'UNAUTHENTICATED', 'A valid access token is required.');
    const forbidden = problem(403, 'FORBIDDEN', 'Your role may not perform this action.');
    const register = async (scopes: string[]) =>
      (
        await http()
          .post('/api/v1/api-clients')
          .auth(org.admin.token, bearer)
          .send({ name: 'Treatment EHR', scopes })
          .expect(201)
      ).body as { id: string; clientId: string; clientSecret: string };
    const tokenOf = async (client: { clientId: string; clientSecret: string }, scope?: string) =>
      (
        await http()
          .post('/oauth/token')
          .auth(client.clientId, client.clientSecret)
          .type('form')
          .send({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) })
          .expect(200)
      ).body.access_token as string;
    const patch = (id: string, version: number, body: object) =>
      http()
        .patch(`/api/v1/api-clients/${id}`)
        .set('If-Match', `"${version}"`)
        .auth(org.admin.token, bearer)
        .send(body)
        .expect(200);
    // A staff route answers a valid client token 403 and a voided one 401: GET /api/v1/users
    // shows which (GET /api/v1/me answers every valid client token 200).
    const probe = (token: string) => http().get('/api/v1/users').auth(token, bearer);
    const window = () => sleep(Number(TEST_ENV.SESSION_CHECK_TTL_MS) + 50);

    it('should void a token issued before deactivation, even once the client is reactivated', async () => {
      const client = await register(['discharges:write']);
      const token = await tokenOf(client);
      expect((await probe(token).expect(403)).body).toEqual(forbidden);
      await patch(client.id, 1, { active: false });
      await patch(client.id, 2, { active: true });
      const [row] = await t.dataSource.query(
        `SELECT active, token_generation, version FROM api_client WHERE id = $1`,
        [client.id],
      );
      expect(row).toEqual({ active: true, token_generation: 1, version: 3 });
      await window();
      expect((await probe(token).expect(401)).body).toEqual(unauthenticated);
      const fresh = await tokenOf(client);
      expect((await probe(fresh).expect(403)).body).toEqual(forbidden);
      const claims = JSON.parse(Buffer.from(fresh.split('.')[1], 'base64url').toString('utf8'));
      expect(claims).toMatchObject({ typ: 'client', gen: 1, scope: 'discharges:write' });
    });

    it('should void a token claiming a scope that was removed, within the session-check window, and keep the others', async () => {
      const client = await register(['system/Patient.read', 'discharges:write']);
      const both = await tokenOf(client);
      const kept = await tokenOf(client, 'discharges:write');
      await probe(both).expect(403);
      await probe(kept).expect(403);
      // Another API process that checked the token just before the change trusts it for one window.
      const otherProcess = new SessionCheckService(
        new AuthRepository(t.dataSource),
        t.app.get(CONFIG),
      );
      const principal = t.app.get(TokenService).verifyAccess(both);
      expect(await otherProcess.isActive(principal)).toBe(true);

      const res = await patch(client.id, 1, { scopes: ['discharges:write'] });
      expect(res.body).toMatchObject({ scopes: ['discharges:write'], active: true, version: 2 });
      const [row] = await t.dataSource.query(
        `SELECT scopes, token_generation FROM api_client WHERE id = $1`,
        [client.id],
      );
      expect(row).toEqual({ scopes: ['discharges:write'], token_generation: 0 });

      await window();
      expect(await otherProcess.isActive(principal)).toBe(false);
      expect((await probe(both).expect(401)).body).toEqual(unauthenticated);
      expect((await probe(kept).expect(403)).body).toEqual(forbidden);
      await http()
        .post('/oauth/token')
        .auth(client.clientId, client.clientSecret)
        .type('form')
        .send({ grant_type: 'client_credentials', scope: 'system/Patient.read' })
        .expect(400);
    });

    it('should refuse a token of a client that no longer exists or of a generation never issued', async () => {
      const client = await register(['referrals:write']);
      const tokens = t.app.get(TokenService);
      const forged = (over: object) =>
        tokens.signAccess({
          kind: 'api_client',
          id: client.id,
          organizationId: org.id,
          scopes: ['referrals:write'],
          generation: 0,
          ...over,
        });
      await probe(forged({})).expect(403);
      await probe(forged({ generation: 7 })).expect(401);
      await probe(forged({ id: randomUUID() })).expect(401);
    });
  });
});
