import { failed, ready } from './instrument';

import { createHash, createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import { createServer, ServerResponse } from 'node:http';

import * as argon2 from 'argon2';
import { sign } from 'jsonwebtoken';
import { audit, ctx, Handler, pool, Route } from './baseline-lib';
import { FHIR_BASELINE_ROUTES } from './baseline-fhir';
import { BASELINE_ROUTES } from './baseline-routes';

const jwtKey = createSecretKey(Buffer.from(process.env.JWT_SECRET ?? '', 'base64'));

/** S7: the same statements as AuthService.login, by hand. */
const login: Handler = async (_ctx, _req, _params, body) => {
  const { email, password } = (body ?? {}) as { email?: string; password?: string };
  if (typeof email !== 'string' || typeof password !== 'string')
    return [400, { code: 'VALIDATION_FAILED' }];
  const { rows } = await pool.query(
    `SELECT id, organization_id, password_hash, role, active FROM app_user WHERE lower(email) = lower($1)`,
    [email.trim()],
  );
  const user = rows[0] as
    | { id: string; organization_id: string; password_hash: string; role: string; active: boolean }
    | undefined;
  const valid = user ? await argon2.verify(user.password_hash, password) : false;
  if (!user || !valid || !user.active) return [401, { code: 'INVALID_CREDENTIALS' }];
  return ctx.tx(async (c) => {
    const { rows: s } = await c.query(
      `INSERT INTO auth_session (user_id, expires_at) VALUES ($1, now() + make_interval(secs => $2)) RETURNING id`,
      [user.id, 14 * 24 * 3600],
    );
    await audit(
      c,
      { id: user.id, organizationId: user.organization_id, role: user.role },
      'auth.login',
      null,
      'User',
      user.id,
    );
    const refreshId = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    await c.query(
      `INSERT INTO refresh_token (id, session_id, token_hash, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [refreshId, s[0].id, createHash('sha256').update(secret).digest(), 14 * 24 * 3600],
    );
    const accessToken = sign(
      { sub: user.id, org: user.organization_id, typ: 'user', role: user.role, sid: s[0].id },
      jwtKey,
      {
        algorithm: 'HS256',
        expiresIn: 900,
        issuer: 'recovery-bridge',
        audience: 'recovery-bridge-api',
        jwtid: randomUUID(),
      },
    );
    return [
      200,
      { accessToken, refreshToken: `${refreshId}.${secret}`, expiresIn: 900, tokenType: 'Bearer' },
    ];
  });
};

const routes: Route[] = [
  { method: 'POST', pattern: /^\/api\/v1\/auth\/login$/, handler: login },
  ...BASELINE_ROUTES,
  ...FHIR_BASELINE_ROUTES,
];

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const path = (req.url ?? '').split('?')[0];
    for (const route of routes) {
      if (route.method !== req.method) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      let body: unknown;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
      } catch {
        return send(res, 400, { code: 'MALFORMED_JSON' });
      }
      route
        .handler(ctx, req, m.slice(1), body)
        .then(([status, out]) => send(res, status, out))
        .catch((err: Error) => send(res, 500, { code: 'INTERNAL', detail: err.message }));
      return;
    }
    send(res, 404, { code: 'NOT_FOUND' });
  });
});
server.keepAliveTimeout = 72_000;

server.listen(Number(process.env.PORT), '127.0.0.1', () => ready());
server.on('error', failed);
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void pool.end().then(() => process.exit(0));
});
