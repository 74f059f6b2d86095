import { validateEnvironment } from './env.validation';
import { parseTrustProxy } from './trust-proxy';

describe('validateEnvironment', () => {
  it('should apply the documented defaults', () => {
    const sut = validateEnvironment({});
    expect(sut).toMatchObject({
      PORT: 3000,
      DATABASE_URL: 'postgres://127.0.0.1:5432/recovery_bridge',
      REDIS_URL: 'redis://127.0.0.1:6379',
      DEMO_PASSWORD: 'Recovery-Demo-2026!',
      ACCESS_TOKEN_TTL_SECONDS: 900,
    });
  });

  it('should name the bad variable when one is invalid', () => {
    expect(() => validateEnvironment({ PORT: 'eighty', REDIS_URL: 'http://x' })).toThrow(
      /PORT: .*\n\s+REDIS_URL: must be a redis:\/\/ URL/,
    );
  });

  it('should take REDIS_CLUSTER_NODES as host:port pairs, and AUDIT_RETENTION_MONTHS of a year or more', () => {
    expect(
      validateEnvironment({ REDIS_CLUSTER_NODES: 'redis-a:7000,10.0.0.2:7001' }),
    ).toMatchObject({
      REDIS_CLUSTER_NODES: 'redis-a:7000,10.0.0.2:7001',
      AUDIT_RETENTION_MONTHS: 72,
    });
    expect(() => validateEnvironment({ REDIS_CLUSTER_NODES: 'redis-a' })).toThrow(
      /REDIS_CLUSTER_NODES: must be host:port pairs separated by commas/,
    );
    expect(() => validateEnvironment({ AUDIT_RETENTION_MONTHS: '6' })).toThrow(
      /AUDIT_RETENTION_MONTHS/,
    );
  });

  it('should take DATABASE_PREPARED_STATEMENTS as true (the default) or false, nothing else', () => {
    expect(validateEnvironment({}).DATABASE_PREPARED_STATEMENTS).toBe('true');
    expect(
      validateEnvironment({ DATABASE_PREPARED_STATEMENTS: 'false' }).DATABASE_PREPARED_STATEMENTS,
    ).toBe('false');
    expect(() => validateEnvironment({ DATABASE_PREPARED_STATEMENTS: 'no' })).toThrow(
      /DATABASE_PREPARED_STATEMENTS/,
    );
  });

  it('should refuse access tokens longer than 15 minutes', () => {
    expect(() => validateEnvironment({ ACCESS_TOKEN_TTL_SECONDS: '3600' })).toThrow(
      /ACCESS_TOKEN_TTL_SECONDS/,
    );
  });

  it('should refuse to start in production without JWT_SECRET', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET: required in production/,
    );
  });

  describe('SMART Backend Services settings', () => {
    it('should accept an https or http base URL, with a path prefix', () => {
      for (const url of ['https://bridge.example.org', 'http://10.0.0.5:8080/rb']) {
        expect(validateEnvironment({ PUBLIC_BASE_URL: url }).PUBLIC_BASE_URL).toBe(url);
      }
    });

    it.each(['bridge.example.org', 'https://bridge.example.org/', 'ftp://x', 'https://x/?a=1'])(
      'should refuse PUBLIC_BASE_URL %s',
      (url) => {
        expect(() => validateEnvironment({ PUBLIC_BASE_URL: url })).toThrow(
          /PUBLIC_BASE_URL: must be an http\(s\) URL without query, fragment or trailing slash/,
        );
      },
    );

    it('should accept addresses and CIDRs and refuse anything else, /0 included', () => {
      expect(
        validateEnvironment({ JWKS_ALLOWED_ADDRESSES: '10.20.0.0/16, 127.0.0.1,fd00::/8' })
          .JWKS_ALLOWED_ADDRESSES,
      ).toBe('10.20.0.0/16, 127.0.0.1,fd00::/8');
      for (const value of ['0.0.0.0/0', 'localhost', '10.0.0.0/33', '10.0.0.1,']) {
        expect(() => validateEnvironment({ JWKS_ALLOWED_ADDRESSES: value })).toThrow(
          /JWKS_ALLOWED_ADDRESSES: must be comma-separated IP addresses or CIDRs/,
        );
      }
    });
  });

  describe('TRUST_PROXY', () => {
    it.each([
      ['false', false],
      ['0', false],
      ['1', 1],
      ['2', 2],
      ['true', 1],
      ['10.0.0.0/8,192.168.0.0/16', ['10.0.0.0/8', '192.168.0.0/16']],
      ['10.0.0.7, 2001:db8::/32 , loopback', ['10.0.0.7', '2001:db8::/32', 'loopback']],
    ])('should accept %s as Fastify trustProxy %p', (value, expected) => {
      const env = validateEnvironment({ TRUST_PROXY: value });
      expect(parseTrustProxy(env.TRUST_PROXY)).toEqual(expected);
    });

    it('should default to trusting no proxy', () => {
      expect(parseTrustProxy(validateEnvironment({}).TRUST_PROXY)).toBe(false);
    });

    it.each([
      'banana',
      'yes',
      '-1',
      '11',
      '10.0.0.0/33',
      '10.0.0.0/8,',
      '0.0.0.0/0',
      '::/0',
      '10.0.0/8',
      'fe80::1%eth0',
      '1.2.3.4/8/9',
    ])('should refuse %s, naming the variable', (value) => {
      expect(() => validateEnvironment({ TRUST_PROXY: value })).toThrow(
        /TRUST_PROXY: must be false, a hop count/,
      );
    });
  });
});
