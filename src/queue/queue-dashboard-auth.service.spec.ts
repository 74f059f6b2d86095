import type { FastifyRequest } from 'fastify';

import { Config, loadConfig, resetConfigCache } from '../config/configuration';
import { validateEnvironment } from '../config/env.validation';
import { QueueDashboardAuthService } from './queue-dashboard-auth.service';

const ID_1 = '0b9d6c1e-4f0e-4c4a-9a55-1c2d3e4f5a6b';
const ID_2 = '7E1A0F2B-3C4D-4E5F-8A9B-0C1D2E3F4A5B';

function sut(env: Config['app']['env']): QueueDashboardAuthService {
  const config = { app: { env }, auth: { audience: 'aud', accessTtlSeconds: 900 } } as Config;
  const none = {} as never;
  return new QueueDashboardAuthService(none, config, none, none, none, none);
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
