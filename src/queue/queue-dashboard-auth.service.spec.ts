import type { FastifyRequest } from 'fastify';

import { BearerAuthenticator } from '../auth/bearer-authenticator';
import { Role } from '../auth/permissions';
import { Principal, UserPrincipal } from '../auth/principal';
import { ForbiddenError } from '../common/errors/domain-error';
import { Config, loadConfig, resetConfigCache } from '../config/configuration';
import { validateEnvironment } from '../config/env.validation';
import { QueueDashboardAuthService } from './queue-dashboard-auth.service';

const ID_1 = '0b9d6c1e-4f0e-4c4a-9a55-1c2d3e4f5a6b';
const ID_2 = '7E1A0F2B-3C4D-4E5F-8A9B-0C1D2E3F4A5B';

function sut(env: Config['app']['env']): QueueDashboardAuthService {
  const config = { app: { env }, auth: { audience: 'aud', accessTtlSeconds: 900 } } as Config;
  const none = {} as never;
  return new QueueDashboardAuthService(none, config, none, none, none, none, none, none);
}

const req = (protocol: 'http' | 'https', hostname: string) =>
  ({ protocol, hostname }) as FastifyRequest;

describe('QueueDashboardAuthService.cookieHeader', () => {
  it('should always mark the cookie Secure in production, even for plain http to localhost', () => {
    expect(sut('production').cookieHeader(req('http', 'localhost'), 'v', 900)).toBe(
      'rb_queue_dashboard=v; Max-Age=900; Path=/admin/queues; HttpOnly; SameSite=Strict; Secure',
    );
  });

  it('should leave Secure off only for plain http to a loopback host outside production', () => {
    const dev = sut('development');
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      expect(dev.cookieHeader(req('http', host), 'v', 900)).not.toContain('Secure');
      expect(dev.cookieHeader(req('https', host), 'v', 900)).toMatch(/; Secure$/);
    }
    expect(dev.cookieHeader(req('http', 'queues.example.org'), 'v', 900)).toMatch(/; Secure$/);
    expect(dev.cookieHeader(req('http', '10.0.0.5'), '', 0)).toBe(
      'rb_queue_dashboard=; Max-Age=0; Path=/admin/queues; HttpOnly; SameSite=Strict; Secure',
    );
  });
});

describe('QueueDashboardAuthService.authenticate with a bearer header', () => {
  const operator: UserPrincipal = {
    kind: 'user',
    id: ID_1,
    organizationId: ID_2.toLowerCase(),
    role: Role.Admin,
    sessionId: ID_2.toLowerCase(),
  };

  function withBearer(principal: Principal) {
    const calls: [string | undefined, string][] = [];
    const bearer = {
      authenticate: (header: string | undefined, correlationId: string) => {
        calls.push([header, correlationId]);
        return Promise.resolve(principal);
      },
    } as unknown as BearerAuthenticator;
    const config = {
      auth: { audience: 'aud' },
      queueDashboard: { operatorIds: new Set([ID_1]) },
    } as unknown as Config;
    const none = {} as never;
    const service = new QueueDashboardAuthService(
      none,
      config,
      none,
      none,
      none,
      none,
      bearer,
      none,
    );
    return { service, calls };
  }

  const request = { headers: { authorization: 'Bearer abc' }, id: 'corr-7' } as FastifyRequest;

  it("should check it with the API guard's own BearerAuthenticator, then require an operator", async () => {
    const { service, calls } = withBearer(operator);
    await expect(service.authenticate(request)).resolves.toBe(operator);
    expect(calls).toEqual([['Bearer abc', 'corr-7']]);
  });

  it('should answer 403 to a valid token of anyone but an operator', async () => {
    const { service } = withBearer({ ...operator, id: '5f0c8a3e-1b2d-4c6e-9f7a-2d3e4f5a6b7c' });
    await expect(service.authenticate(request)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('QUEUE_DASHBOARD_OPERATORS', () => {
  afterEach(() => {
    delete process.env.QUEUE_DASHBOARD_OPERATORS;
    resetConfigCache();
  });

  it('should list nobody by default', () => {
    resetConfigCache();
    expect([...loadConfig().queueDashboard.operatorIds]).toEqual([]);
  });

  it('should read comma-separated user ids, lower-cased', () => {
    process.env.QUEUE_DASHBOARD_OPERATORS = ` ${ID_1}, ${ID_2} `;
    resetConfigCache();
    expect([...loadConfig().queueDashboard.operatorIds]).toEqual([ID_1, ID_2.toLowerCase()]);
  });

  it('should refuse anything but user ids (an email could be re-registered by an organization)', () => {
    for (const value of ['ops@example.org', `${ID_1};${ID_2}`, `${ID_1},`, '-'.repeat(36)]) {
      expect(() => validateEnvironment({ QUEUE_DASHBOARD_OPERATORS: value })).toThrow(
        /QUEUE_DASHBOARD_OPERATORS: must be comma-separated user ids \(UUIDs\)/,
      );
    }
  });
});
