import request from 'supertest';

import * as password from '../../src/auth/password';
import { Role } from '../../src/auth/permissions';
import { countAuditEvents } from '../helpers/audit';
import { createTestApp, TestApp } from '../setup/create-test-app';
import {
  createOrganization,
  createUser,
  TEST_PASSWORD,
  TestUser,
} from '../factories/people.factory';
import { problem } from '../helpers/problem';
import { TEST_ENV } from '../setup/test-env';

/** How many responses had each status: `{ 401: 10, 429: 40 }`. */
const histogram = (responses: request.Response[]): Record<number, number> =>
  responses.reduce<Record<number, number>>(
    (h, r) => ({ ...h, [r.status]: (h[r.status] ?? 0) + 1 }),
    {},
  );

/**
 * Parallel bursts against the sign-in limits and the refresh-token rotation: every "at most N"
 * and "only once" rule of authentication must hold when the requests arrive together.
 */
describe('auth races (e2e)', () => {
  let t: TestApp;
  let org: string;
  const http = () => request(t.app.getHttpServer());
  const login = (email: string, pass: string, ip: string) =>
    http().post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password: pass });
  const refresh = (refreshToken: string) =>
    http().post('/api/v1/auth/refresh').send({ refreshToken });

  beforeAll(async () => {
    t = await createTestApp();
    org = await createOrganization(t.dataSource);
  });
  afterAll(() => t.close());

  describe('the per-account login limit', () => {
    let peer: TestUser;
    let verifications: jest.SpyInstance;
    beforeEach(async () => {
      peer = await createUser(t.app, org, Role.PeerSpecialist);
      verifications = jest.spyOn(password, 'verifyPassword');
    });
    afterEach(() => verifications.mockRestore());

    it('should check exactly 10 passwords when 50 wrong guesses arrive at once, and refuse 40 with 429', async () => {
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          login(peer.email, `wrong-password-${i}`, '198.18.1.1'),
        ),
      );
      expect(histogram(responses)).toEqual({ 401: 10, 429: 40 });
      expect(verifications).toHaveBeenCalledTimes(10);
      for (const res of responses.filter((r) => r.status === 429)) {
        expect(res.body).toEqual(
          problem(429, 'RATE_LIMITED', 'Too many login attempts; try again later.'),
        );
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(800);
        expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(900);
      }
      // Ten failures were judged, audited, and locked the account once (one notification).
      expect(
        await countAuditEvents(t.dataSource, {
          resourceId: peer.id,
          action: 'auth.login',
          outcome: 'failure',
        }),
      ).toBe(10);
      const jobs = await t.dataSource.query(
        `SELECT job_name FROM outbox WHERE payload->>'userId' = $1`,
        [peer.id],
      );
      expect(jobs).toEqual([{ job_name: 'security.account-locked' }]);
    });

    it('should refuse the right password with 429 when it comes after the 10th guess of a burst', async () => {
      const responses = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          login(peer.email, i === 35 ? TEST_PASSWORD : `wrong-password-${i}`, '198.18.1.2'),
        ),
      );
      expect(responses[35].status).toBe(429);
      expect(responses[35].body).toEqual(
        problem(429, 'RATE_LIMITED', 'Too many login attempts; try again later.'),
      );
      expect(histogram(responses)).toEqual({ 401: 10, 429: 30 });
      expect(verifications).toHaveBeenCalledTimes(10);
      // No sign-in happened: the burst bought no refresh token.
      const issued = await t.dataSource.query(
        `SELECT r.id FROM refresh_token r JOIN auth_session s ON s.id = r.session_id WHERE s.user_id = $1`,
        [peer.id],
      );
      expect(issued).toEqual([]);
      await login(peer.email, TEST_PASSWORD, '198.18.1.3').expect(429);
    });

    it('should let every one of 8 parallel sign-ins with the right password through, and count none as a failure', async () => {
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => login(peer.email, TEST_PASSWORD, '198.18.1.4')),
      );
      expect(histogram(responses)).toEqual({ 200: 8 });
      // Each success gave its reservation back: ten wrong guesses still get checked after them.
      const wrong = await Promise.all(
        Array.from({ length: 11 }, (_, i) =>
          login(peer.email, `wrong-password-${i}`, '198.18.1.4'),
        ),
      );
      expect(histogram(wrong)).toEqual({ 401: 10, 429: 1 });
    });
  });

  describe('the per-IP login limit', () => {
    it('should check exactly 100 attempts when 110 from one address arrive at once', async () => {
      // Start early in a minute: the burst then falls within one minute's bucket.
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 45_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
      const responses = await Promise.all(
        Array.from({ length: 110 }, (_, i) =>
          login(`nobody-${i}@example.test`, 'wrong-password', '198.18.2.1'),
        ),
      );
      expect(histogram(responses)).toEqual({ 401: 100, 429: 10 });
    }, 90_000);
  });

  describe('refresh-token rotation', () => {
    it('should rotate a refresh token once under 50 parallel refreshes, and the replays end the session', async () => {
      const peer = await createUser(t.app, org, Role.PeerSpecialist);
      const tokens = (await login(peer.email, TEST_PASSWORD, '198.18.3.1').expect(200)).body;
      const [{ session_id: sessionId }] = await t.dataSource.query(
        `SELECT r.session_id FROM refresh_token r JOIN auth_session s ON s.id = r.session_id
          WHERE s.user_id = $1 AND s.revoked_at IS NULL`,
        [peer.id],
      );

      const responses = await Promise.all(
        Array.from({ length: 50 }, () => refresh(tokens.refreshToken)),
      );

      expect(histogram(responses)).toEqual({ 200: 1, 401: 49 });
      for (const res of responses.filter((r) => r.status === 401)) {
        expect(res.body).toEqual(
          problem(401, 'INVALID_REFRESH_TOKEN', 'The refresh token is invalid or expired.'),
        );
      }
      const winner = responses.find((r) => r.status === 200)!.body;
      // One new pair was minted, and the replays revoked the session it belongs to: nothing
      // issued from the contested token is usable afterwards.
      const rows = await t.dataSource.query(
        `SELECT used_at IS NOT NULL AS used FROM refresh_token WHERE session_id = $1 ORDER BY created_at`,
        [sessionId],
      );
      expect(rows).toEqual([{ used: true }, { used: false }]);
      const [session] = await t.dataSource.query(
        `SELECT revoked_at IS NOT NULL AS revoked, revoked_reason FROM auth_session WHERE id = $1`,
        [sessionId],
      );
      expect(session).toEqual({ revoked: true, revoked_reason: 'refresh_token_reuse' });
      await refresh(winner.refreshToken).expect(401);
      await http().get('/api/v1/me').auth(winner.accessToken, { type: 'bearer' }).expect(401);
      await http().get('/api/v1/me').auth(tokens.accessToken, { type: 'bearer' }).expect(401);
    });

    it('should leave nothing usable when refreshes and logouts of one token race', async () => {
      const peer = await createUser(t.app, org, Role.PeerSpecialist);
      const tokens = (await login(peer.email, TEST_PASSWORD, '198.18.3.2').expect(200)).body;

      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          i % 2
            ? refresh(tokens.refreshToken)
            : http().post('/api/v1/auth/logout').send({ refreshToken: tokens.refreshToken }),
        ),
      );

      const refreshed = responses.filter((r, i) => i % 2 && r.status === 200).map((r) => r.body);
      expect(refreshed.length).toBeLessThanOrEqual(1);
      expect(responses.every((r) => [200, 204, 401].includes(r.status))).toBe(true);
      await new Promise((r) => setTimeout(r, Number(TEST_ENV.SESSION_CHECK_TTL_MS) + 50));
      for (const pair of [tokens, ...refreshed]) {
        await refresh(pair.refreshToken).expect(401);
        await http().get('/api/v1/me').auth(pair.accessToken, { type: 'bearer' }).expect(401);
      }
      const open = await t.dataSource.query(
        `SELECT s.id FROM auth_session s JOIN refresh_token r ON r.session_id = s.id
          WHERE s.user_id = $1 AND s.revoked_at IS NULL`,
        [peer.id],
      );
      expect(open).toEqual([]);
    });
  });
});
