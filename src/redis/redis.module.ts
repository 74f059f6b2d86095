import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import { createRedisClient, RedisClient } from './redis-client';

export const REDIS = Symbol('REDIS');

/** Fail fast when Redis is away: callers map the error to 503 instead of hanging. */
export function createRedis(config: Config['redis']): RedisClient {
  return createRedisClient(config, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [CONFIG],
      useFactory: (config: Config): RedisClient => {
        const redis = createRedis(config.redis);
        redis.on('error', () => undefined); // surfaced by health checks and callers, not crash
        return redis;
      },
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
