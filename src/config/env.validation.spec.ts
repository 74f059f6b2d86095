import { validateEnvironment } from './env.validation';

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
});
