import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';

import { createApp } from '../../src/main';

export interface TestApp {
  app: NestFastifyApplication;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** The full HTTP app against the test database and Redis, ready for supertest. */
export async function createTestApp(): Promise<TestApp> {
  const app = await createApp();
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, dataSource: app.get(DataSource), close: () => app.close() };
}
