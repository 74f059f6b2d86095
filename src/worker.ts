import './config/node-guard';
import 'reflect-metadata';

import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Redis from 'ioredis';
import { Logger } from 'nestjs-pino';

import { loadConfig } from './config/configuration';
import { EnvironmentError } from './config/env.validation';
import { JobName } from './queue/jobs';
import { PROCESSORS, WorkerModule } from './worker.module';

/** Refuse to start when a job has no processor (immich JobRepository.setup). */
export function assertEveryJobHandled(): void {
  const handled = new Set(PROCESSORS.flatMap((p) => p.handles));
  const missing = Object.values(JobName).filter((name) => !handled.has(name));
  if (missing.length > 0) throw new Error(`No processor for jobs: ${missing.join(', ')}`);
}

/** BullMQ needs Redis to keep every key: an evicting Redis would silently drop scheduled follow-ups. */
export async function assertNoEviction(url: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy !== 'noeviction') {
      throw new Error(`Redis maxmemory-policy is "${policy}"; the worker requires "noeviction"`);
    }
  } finally {
    redis.disconnect();
  }
}

export async function createWorker(): Promise<INestApplicationContext> {
  assertEveryJobHandled();
  await assertNoEviction(loadConfig().redis.url);
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
