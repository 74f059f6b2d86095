import { randomUUID } from 'node:crypto';

import { exportJWK, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';
import request from 'supertest';

import { LOGIN_KEYS } from '../../src/auth/login-limiter.service';
import { API_SCOPES, SYSTEM_READ_SCOPES } from '../../src/auth/permissions';
import { resetConfigCache } from '../../src/config/configuration';
import { RedisClient } from '../../src/redis/redis-client';
import { REDIS } from '../../src/redis/redis.module';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { countAuditEvents } from '../helpers/audit';
import { bearer } from '../helpers/http';
import { startJwksServer, JwksServer } from '../helpers/jwks-server';
import { problem } from '../helpers/problem';
import { createTestApp, TestApp } from '../setup/create-test-app';

const BASE_URL = 'https://bridge.example.test';
const TOKEN_ENDPOINT = `${BASE_URL}/oauth/token`;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const INVALID_CLIENT = {
  ...problem(401, 'INVALID_CLIENT', 'Client authentication failed.'),
  error: 'invalid_client',
};
const FORBIDDEN = problem(403, 'FORBIDDEN', 'Your role may not perform this action.');

interface SigningKey {
  kid: string;
  alg: 'RS384' | 'ES384';
  privateKey: KeyLike;
  publicJwk: JWK;
}

async function signingKey(alg: 'RS384' | 'ES384'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const kid = `${alg.toLowerCase()}-${randomUUID()}`;
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg } };
}

interface AssertionOptions {
  iss?: string;
  sub?: string;
  aud?: string;
  expIn?: number | null;
  jti?: string | null;
  kid?: string;
}

/** A client assertion as an EHR builds one (SMART Backend Services), signed with `key`. */
function assertion(key: SigningKey, clientId: string, o: AssertionOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: o.iss ?? clientId,
    sub: o.sub ?? clientId,
    aud: o.aud ?? TOKEN_ENDPOINT,
  };
  if (o.expIn !== null) claims.exp = now + (o.expIn ?? 240);
  if (o.jti !== null) claims.jti = o.jti ?? randomUUID();
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: o.kid ?? key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('SMART Backend Services: discovery, private_key_jwt and scopes (e2e)', () => {
  let t: TestApp;
  let org: TestOrg;
  let jwksServer: JwksServer;
  let rsa: SigningKey;
  let ec: SigningKey;
  let stranger: SigningKey;
  const http = () => request(t.app.getHttpServer());
  const saved = { ...process.env };

  const register = async (body: Record<string, unknown>) =>
    (
      await http()
        .post('/api/v1/api-clients')
        .auth(org.admin.token, bearer)
        .send({ name: `EHR ${randomUUID()}`, ...body })
        .expect(201)
    ).body as { id: string; clientId: string; clientSecret?: string };
  const token = (form: Record<string, string>) =>
    http()
      .post('/oauth/token')
      .type('form')
      .send({ grant_type: 'client_credentials', ...form });
  const withAssertion = (clientAssertion: string, extra: Record<string, string> = {}) =>
    token({ client_assertion_type: JWT_BEARER, client_assertion: clientAssertion, ...extra });

  beforeAll(async () => {
    jwksServer = await startJwksServer();
    Object.assign(process.env, {
      PUBLIC_BASE_URL: BASE_URL,
      // The local JWKS server: plain http and a loopback address, both allowed for it only.
      JWKS_HTTP_HOSTS: '127.0.0.1,127.0.0.2,localhost',
      JWKS_ALLOWED_ADDRESSES: '127.0.0.1',
      JWKS_FETCH_TIMEOUT_MS: '400',
      JWKS_MAX_BYTES: '8192',
      // The attempt limiter is tested in api-clients.e2e-spec.ts; here it must not hide what
      // the assertion checks answer (many refusals for one client, all from 127.0.0.1).
      LOGIN_ACCOUNT_MAX_FAILURES: '500',
      LOGIN_IP_MAX_PER_MINUTE: '10000',
    });
    resetConfigCache();
    t = await createTestApp();
    org = await createTestOrg(t.app);
    [rsa, ec, stranger] = await Promise.all([
      signingKey('RS384'),
      signingKey('ES384'),
      signingKey('ES384'),
    ]);
  });
  afterAll(async () => {
    // Its hundreds of attempts from 127.0.0.1 stay out of the next test file's per-IP minute.
    const redis = t.app.get<RedisClient>(REDIS);
    const counted = await redis.keys(`${LOGIN_KEYS}:*`);
    if (counted.length > 0) await redis.del(...counted);
    await t.close();
    await jwksServer.close();
    process.env = saved;
    resetConfigCache();
  });

  describe('GET /.well-known/smart-configuration', () => {
    it('should publish the token endpoint, methods, algorithms and scopes without a token', async () => {
      const res = await http().get('/.well-known/smart-configuration').expect(200);
      expect(res.body).toEqual({
        token_endpoint: TOKEN_ENDPOINT,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: [
          'private_key_jwt',
          'client_secret_basic',
          'client_secret_post',
        ],
        token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
        scopes_supported: [...API_SCOPES],
        capabilities: ['client-confidential-asymmetric'],
      });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });
  });

  describe('POST /api/v1/api-clients with keys', () => {
    const jwksError = (body: Record<string, unknown>) =>
      http()
        .post('/api/v1/api-clients')
        .auth(org.admin.token, bearer)
        .send({ name: 'Keyed EHR', scopes: ['system/Patient.read'], ...body })
        .expect(400);

    it('should register a JWK Set without a secret, with its purpose, stored and audited', async () => {
      const jwks = { keys: [rsa.publicJwk, ec.publicJwk] };
      const res = await http()
        .post('/api/v1/api-clients')
        .auth(org.admin.token, bearer)
        .send({ name: 'Keyed EHR', scopes: ['system/*.read'], jwks, purpose: 'operations' })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        name: 'Keyed EHR',
        clientId: expect.stringMatching(/^rb_[0-9a-f]{24}$/),
        scopes: ['system/*.read'],
        purpose: 'operations',
        jwks,
        jwksUrl: null,
        active: true,
        version: 1,
        createdAt: expect.any(String),
      });
      const [row] = await t.dataSource.query(
        `SELECT secret_hash, purpose, jwks, jwks_url FROM api_client WHERE id = $1`,
        [res.body.id],
      );
      expect(row).toEqual({ secret_hash: null, purpose: 'operations', jwks, jwks_url: null });
      expect(
        await countAuditEvents(t.dataSource, {
          action: 'api-client.create',
          resourceId: res.body.id,
          actorId: org.admin.id,
        }),
      ).toBe(1);
      // No secret: no secret authenticates it.
      await token({ client_id: res.body.clientId, client_secret: '' }).expect(401);
      const basic = await http()
        .post('/oauth/token')
        .auth(res.body.clientId, 'anything')
        .type('form')
        .send({ grant_type: 'client_credentials' })
        .expect(401);
      expect(basic.body).toEqual(INVALID_CLIENT);
    });

    it('should default the purpose to treatment and register a JWKS URL', async () => {
      const url = jwksServer.json('/jwks/registered', { keys: [ec.publicJwk] });
      const client = await register({ scopes: ['discharges:write'], jwksUrl: url });
      expect(client.clientSecret).toBeUndefined();
      const [row] = await t.dataSource.query(
        `SELECT secret_hash, purpose, jwks, jwks_url FROM api_client WHERE id = $1`,
        [client.id],
      );
      expect(row).toEqual({ secret_hash: null, purpose: 'treatment', jwks: null, jwks_url: url });
    });

    it('should answer 401 without a token and 403 to a supervisor', async () => {
      const body = { name: 'x', scopes: ['system/Patient.read'], jwks: { keys: [ec.publicJwk] } };
      await http().post('/api/v1/api-clients').send(body).expect(401);
      const res = await http()
        .post('/api/v1/api-clients')
        .auth(org.supervisorA.token, bearer)
        .send(body)
        .expect(403);
      expect(res.body).toEqual(FORBIDDEN);
    });

    it('should refuse a private key, naming the member, and store nothing', async () => {
      const { privateKey } = await generateKeyPair('ES384', { extractable: true });
      const privateJwk = { ...(await exportJWK(privateKey)), kid: 'leaked', alg: 'ES384' };
      const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM api_client`);
      const res = await jwksError({ jwks: { keys: [ec.publicJwk, privateJwk] } });
      expect(res.body).toEqual(
        problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [
          {
            field: 'jwks.keys[1]',
            message: 'jwks.keys[1] must be a public key: it holds the private member "d"',
          },
        ]),
      );
      const after = await t.dataSource.query(`SELECT count(*)::int AS n FROM api_client`);
      expect(after).toEqual(before);
    });

    it('should refuse a symmetric key, a key without kid, a P-256 key and an empty set', async () => {
      const p256 = (await generateKeyPair('ES256')).publicKey;
      const cases: [unknown, { field: string; message: string }][] = [
        [
          { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'h' }] },
          {
            field: 'jwks.keys[0]',
            message: 'jwks.keys[0] must be a public key: it holds the private member "k"',
          },
        ],
        [
          { keys: [{ ...ec.publicJwk, kid: undefined }] },
          { field: 'jwks.keys[0]', message: 'jwks.keys[0] must have a kid (1 to 200 characters)' },
        ],
        [
          { keys: [{ ...(await exportJWK(p256)), kid: 'p256' }] },
          { field: 'jwks.keys[0]', message: 'jwks.keys[0] must be on curve P-384 (ES384)' },
        ],
        [
          { keys: [{ ...rsa.publicJwk, alg: 'RS256' }] },
          { field: 'jwks.keys[0]', message: 'jwks.keys[0] must have alg RS384 (kty RSA)' },
        ],
        [{ keys: [] }, { field: 'jwks.keys', message: 'jwks.keys must hold 1 to 10 keys' }],
        [
          { other: 1 },
          { field: 'jwks', message: 'jwks must be a JWK Set: an object with a keys array' },
        ],
      ];
      for (const [jwks, error] of cases) {
        const res = await jwksError({ jwks });
        expect(res.body).toEqual(
          problem(400, 'VALIDATION_FAILED', 'The request is invalid.', [error]),
        );
      }
    });

    it('should refuse an unknown purpose, a plain-http JWKS URL and both key sources', async () => {
      const purpose = await jwksError({ jwks: { keys: [ec.publicJwk] }, purpose: 'marketing' });
      expect(purpose.body.errors).toEqual([
        {
          field: 'purpose',
          message:
            'purpose must be one of the following values: treatment, payment, operations, research',
        },
      ]);
      const plain = await jwksError({ jwksUrl: 'http://ehr.example.org/jwks.json' });
      expect(plain.body.errors).toEqual([
        { field: 'jwksUrl', message: 'jwksUrl must be an https URL' },
      ]);
      const both = await jwksError({
        jwks: { keys: [ec.publicJwk] },
        jwksUrl: 'https://ehr.example.org/jwks.json',
      });
      expect(both.body.errors).toEqual([
        { field: 'jwksUrl', message: 'jwks and jwksUrl are mutually exclusive' },
      ]);
      const creds = await jwksError({ jwksUrl: 'https://user:pw@ehr.example.org/jwks.json' });
      expect(creds.body.errors).toEqual([
        { field: 'jwksUrl', message: 'jwksUrl must not carry credentials or a fragment' },
      ]);
    });
  });

  describe('POST /oauth/token with private_key_jwt', () => {
    let client: { id: string; clientId: string };
    let other: { id: string; clientId: string };
    beforeAll(async () => {
      client = await register({
        scopes: ['system/Patient.read', 'discharges:write'],
        jwks: { keys: [rsa.publicJwk, ec.publicJwk] },
      });
      other = await register({
        scopes: ['system/Patient.read'],
        jwks: { keys: [stranger.publicJwk] },
      });
    });

    it.each(['RS384', 'ES384'] as const)(
      'should issue a token for an assertion signed %s, audited',
      async (alg) => {
        const key = alg === 'RS384' ? rsa : ec;
        const res = await withAssertion(await assertion(key, client.clientId)).expect(200);
        expect(res.body).toEqual({
          access_token: expect.any(String),
          token_type: 'Bearer',
          expires_in: 900,
          scope: 'system/Patient.read discharges:write',
        });
        const claims = JSON.parse(
          Buffer.from(res.body.access_token.split('.')[1], 'base64url').toString('utf8'),
        );
        expect(claims).toMatchObject({ sub: client.id, typ: 'client', gen: 0 });
        // A valid API-client token: staff endpoints answer 403 (an invalid one would be 401).
        const me = await http()
          .get('/api/v1/users')
          .auth(res.body.access_token, bearer)
          .expect(403);
        expect(me.body).toEqual(FORBIDDEN);
      },
    );

    it('should audit each token issued to the client', async () => {
      const before = await countAuditEvents(t.dataSource, {
        action: 'oauth.token',
        actorId: client.id,
      });
      await withAssertion(await assertion(ec, client.clientId)).expect(200);
      expect(
        await countAuditEvents(t.dataSource, { action: 'oauth.token', actorId: client.id }),
      ).toBe(before + 1);
    });

    it('should refuse a replayed jti with invalid_client', async () => {
      const jti = randomUUID();
      await withAssertion(await assertion(ec, client.clientId, { jti })).expect(200);
      const replay = await withAssertion(await assertion(ec, client.clientId, { jti })).expect(401);
      expect(replay.body).toEqual(INVALID_CLIENT);
    });

    it('should issue exactly one token to a burst of 50 parallel replays of one assertion', async () => {
      const signed = await assertion(rsa, client.clientId);
      const before = await countAuditEvents(t.dataSource, {
        action: 'oauth.token',
        actorId: client.id,
      });
      const burst = await Promise.all(Array.from({ length: 50 }, () => withAssertion(signed)));
      const statuses: Record<number, number> = {};
      for (const res of burst) statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      expect(statuses).toEqual({ 200: 1, 401: 49 });
      for (const res of burst.filter((r) => r.status === 401)) {
        expect(res.body).toEqual(INVALID_CLIENT);
      }
      expect(
        await countAuditEvents(t.dataSource, { action: 'oauth.token', actorId: client.id }),
      ).toBe(before + 1);
    });

    it('should refuse an assertion for another audience, expired, too long-lived or without exp or jti', async () => {
      const refused = [
        await assertion(ec, client.clientId, { aud: 'https://other.example.test/oauth/token' }),
        await assertion(ec, client.clientId, { aud: `${BASE_URL}/api/v1/auth/login` }),
        await assertion(ec, client.clientId, { expIn: -60 }),
        await assertion(ec, client.clientId, { expIn: 600 }),
        await assertion(ec, client.clientId, { expIn: null }),
        await assertion(ec, client.clientId, { jti: null }),
      ];
      for (const signed of refused) {
        expect((await withAssertion(signed).expect(401)).body).toEqual(INVALID_CLIENT);
      }
    });

    it('should refuse alg none and HS256 assertions', async () => {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: client.clientId,
        sub: client.clientId,
        aud: TOKEN_ENDPOINT,
        exp: now + 120,
        jti: randomUUID(),
      };
      const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
      expect((await withAssertion(none).expect(401)).body).toEqual(INVALID_CLIENT);
      // HS256 keyed with the public key's bytes (the classic algorithm-confusion attack) or a guess.
      for (const secret of [JSON.stringify(ec.publicJwk), 'shared-secret-0123456789abcdef']) {
        const hs256 = await new SignJWT({ ...claims, jti: randomUUID() })
          .setProtectedHeader({ alg: 'HS256', kid: ec.kid })
          .sign(new TextEncoder().encode(secret));
        expect((await withAssertion(hs256).expect(401)).body).toEqual(INVALID_CLIENT);
      }
      // The same claims properly signed are accepted: the refusals were about the algorithm.
      await withAssertion(await assertion(ec, client.clientId)).expect(200);
    });

    it('should refuse iss ≠ sub, an unknown kid, a key of another client and a mismatched client_id', async () => {
      const refused = [
        await assertion(ec, client.clientId, { sub: other.clientId }),
        await assertion(ec, client.clientId, { iss: other.clientId }),
        await assertion(ec, client.clientId, { kid: 'not-registered' }),
        // Signed with the other client's key, under its kid, claiming to be this client.
        await assertion(stranger, client.clientId),
        // The other client's key with this client's kid.
        await assertion(stranger, client.clientId, { kid: ec.kid }),
      ];
      for (const signed of refused) {
        expect((await withAssertion(signed).expect(401)).body).toEqual(INVALID_CLIENT);
      }
      const mismatched = await withAssertion(await assertion(ec, client.clientId), {
        client_id: other.clientId,
      }).expect(401);
      expect(mismatched.body).toEqual(INVALID_CLIENT);
      // The other client's own assertion works: its key is fine, just not this client's.
      await withAssertion(await assertion(stranger, other.clientId)).expect(200);
    });

    it('should refuse another assertion type, a garbled assertion, mixed methods and a deactivated client', async () => {
      const signed = await assertion(ec, client.clientId);
      const cases = [
        token({ client_assertion_type: 'urn:example:saml', client_assertion: signed }),
        token({ client_assertion_type: JWT_BEARER, client_assertion: 'not.a.jwt' }),
        token({ client_assertion_type: JWT_BEARER }),
        token({ client_assertion_type: JWT_BEARER, client_assertion: signed, client_secret: 'x' }),
      ];
      for (const res of await Promise.all(cases)) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual(INVALID_CLIENT);
      }
      const retired = await register({
        scopes: ['system/Patient.read'],
        jwks: { keys: [ec.publicJwk] },
      });
      await http()
        .patch(`/api/v1/api-clients/${retired.id}`)
        .set('If-Match', '"1"')
        .auth(org.admin.token, bearer)
        .send({ active: false })
        .expect(200);
      const res = await withAssertion(await assertion(ec, retired.clientId)).expect(401);
      expect(res.body).toEqual(INVALID_CLIENT);
    });
  });

  describe('scopes', () => {
    const invalidScope = (detail: string) => ({
      ...problem(400, 'INVALID_SCOPE', detail),
      error: 'invalid_scope',
    });
    const scoped = async (registered: string[], scope: string | undefined, status: number) => {
      const client = await register({ scopes: registered, jwks: { keys: [ec.publicJwk] } });
      const signed = await assertion(ec, client.clientId);
      return withAssertion(signed, scope === undefined ? {} : { scope }).expect(status);
    };

    it('should grant the intersection of what was asked and what was registered', async () => {
      const res = await scoped(
        ['system/Patient.read', 'discharges:write'],
        'referrals:write system/Patient.read',
        200,
      );
      expect(res.body.scope).toBe('system/Patient.read');
    });

    it('should refuse a scope the client was not registered for (invalid_scope)', async () => {
      const res = await scoped(['system/Patient.read'], 'referrals:write', 400);
      expect(res.body).toEqual(
        invalidScope('The requested scope exceeds what this client was granted.'),
      );
    });

    it('should refuse an unknown scope (invalid_scope), even beside a granted one', async () => {
      for (const scope of ['system/Banana.read', 'system/Patient.read system/Patient.write']) {
        const res = await scoped(['system/*.read'], scope, 400);
        expect(res.body).toEqual(
          invalidScope('The requested scope names a scope this server does not know.'),
        );
      }
    });

    it('should expand system/*.read registered: one type asked, or all of them by default', async () => {
      const one = await scoped(['system/*.read'], 'system/Patient.read', 200);
      expect(one.body.scope).toBe('system/Patient.read');
      const all = await scoped(['system/*.read', 'referrals:write'], undefined, 200);
      expect(all.body.scope).toBe([...SYSTEM_READ_SCOPES, 'referrals:write'].join(' '));
      // Such tokens pass the grant check of every request (403 on staff routes, not 401).
      await http().get('/api/v1/users').auth(one.body.access_token, bearer).expect(403);
      await http().get('/api/v1/users').auth(all.body.access_token, bearer).expect(403);
    });

    it('should expand system/*.read asked to the types the client was registered with', async () => {
      const res = await scoped(
        ['system/Goal.read', 'system/Patient.read', 'discharges:write'],
        'system/*.read',
        200,
      );
      expect(res.body.scope).toBe('system/Patient.read system/Goal.read');
      const none = await scoped(['discharges:write'], 'system/*.read', 400);
      expect(none.body.error).toBe('invalid_scope');
    });

    it('should intersect the same way for client secrets', async () => {
      const client = await register({ scopes: ['system/*.read'] });
      const res = await http()
        .post('/oauth/token')
        .auth(client.clientId, client.clientSecret!)
        .type('form')
        .send({ grant_type: 'client_credentials', scope: 'system/Task.read referrals:write' })
        .expect(200);
      expect(res.body.scope).toBe('system/Task.read');
    });
  });

  describe('JWKS URL', () => {
    it('should verify against a JWK Set fetched from the URL, fetched once and cached', async () => {
      const url = jwksServer.json(`/jwks/${randomUUID()}`, { keys: [rsa.publicJwk] });
      const client = await register({ scopes: ['system/Patient.read'], jwksUrl: url });
      await withAssertion(await assertion(rsa, client.clientId)).expect(200);
      await withAssertion(await assertion(rsa, client.clientId)).expect(200);
      expect(jwksServer.hits.get(new URL(url).pathname)).toBe(1);
      // A key that is not in the published set is refused (after one refetch for a rotated key).
      const res = await withAssertion(await assertion(ec, client.clientId)).expect(401);
      expect(res.body).toEqual(INVALID_CLIENT);
    });

    const refusedWith = async (path: string, handler: Parameters<JwksServer['route']>[1]) => {
      const url = jwksServer.route(path, handler);
      const client = await register({ scopes: ['system/Patient.read'], jwksUrl: url });
      const res = await withAssertion(await assertion(rsa, client.clientId)).expect(401);
      expect(res.body).toEqual(INVALID_CLIENT);
      return url;
    };

    it('should give up on a JWKS URL that answers too slowly', async () => {
      const started = Date.now();
      await refusedWith(`/slow/${randomUUID()}`, (_req, res) => {
        setTimeout(() => res.writeHead(200).end(JSON.stringify({ keys: [rsa.publicJwk] })), 1500);
      });
      expect(Date.now() - started).toBeLessThan(1400);
    });

    it('should refuse a JWK Set larger than the cap, with or without Content-Length', async () => {
      const big = JSON.stringify({ keys: [rsa.publicJwk], padding: 'x'.repeat(10_000) });
      await refusedWith(`/big/${randomUUID()}`, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(big);
      });
      await refusedWith(`/chunked/${randomUUID()}`, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(big.slice(0, 5000));
        res.end(big.slice(5000));
      });
    });

    it('should not follow a redirect, even to a valid JWK Set', async () => {
      const target = jwksServer.json(`/target/${randomUUID()}`, { keys: [rsa.publicJwk] });
      await refusedWith(`/redirect/${randomUUID()}`, (_req, res) => {
        res.writeHead(302, { location: target }).end();
      });
      expect(jwksServer.hits.get(new URL(target).pathname)).toBeUndefined();
    });

    it('should refuse a private JWK Set published at the URL', async () => {
      const { privateKey } = await generateKeyPair('RS384', { extractable: true });
      const leaked = { ...(await exportJWK(privateKey)), kid: rsa.kid, alg: 'RS384' };
      await refusedWith(`/private/${randomUUID()}`, (_req, res) => {
        res.writeHead(200).end(JSON.stringify({ keys: [leaked] }));
      });
    });

    it('should never connect to a loopback address that is not allowed', async () => {
      // 127.0.0.2 may be plain http here (JWKS_HTTP_HOSTS) but is not in JWKS_ALLOWED_ADDRESSES.
      const port = new URL(jwksServer.origin).port;
      const path = `/loopback/${randomUUID()}`;
      jwksServer.json(path, { keys: [rsa.publicJwk] });
      const client = await register({
        scopes: ['system/Patient.read'],
        jwksUrl: `http://127.0.0.2:${port}${path}`,
      });
      await withAssertion(await assertion(rsa, client.clientId)).expect(401);
      expect(jwksServer.hits.get(path)).toBeUndefined();
    });
  });
});
