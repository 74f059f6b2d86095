import './config/node-guard';
import 'reflect-metadata';

import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Cluster } from 'ioredis';
import { Logger } from 'nestjs-pino';

import { Config, loadConfig } from './config/configuration';
import { EnvironmentError } from './config/env.validation';
import { createRedisClient } from './redis/redis-client';
import { WorkerModule } from './worker.module';

/**
 * BullMQ needs Redis to keep every key: an evicting Redis would silently drop scheduled follow-ups.
 * On a cluster, every master is checked.
 */
export async function assertNoEviction(config: Config['redis']): Promise<void> {
  const redis = createRedisClient(config, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
    for (const node of nodes) {
      const [, policy] = (await node.config('GET', 'maxmemory-policy')) as [string, string];
      if (policy !== 'noeviction') {
        throw new Error(`Redis maxmemory-policy is "${policy}"; the worker requires "noeviction"`);
      }
    }
  } finally {
    redis.disconnect();
  }
}

/**
 * The worker's context. It refuses to start (JobHandlerRegistry) when a job has no handler or more
 * than one, and before that when Redis could evict its keys.
 */
export async function createWorker(): Promise<INestApplicationContext> {
  await assertNoEviction(loadConfig().redis);
  const app = await NestFactory.createApplicationContext(WorkerModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  return app;
}

if (require.main === module) {
  createWorker().catch((err: unknown) => {
    console.error(err instanceof EnvironmentError ? err.message : err);
    process.exit(1);
  });
}
