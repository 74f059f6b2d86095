import './config/node-guard';
import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';

import { AppModule } from './app.module';
import { loadConfig } from './config/configuration';
import { EnvironmentError } from './config/env.validation';
import { configureHttp, createFastifyAdapter } from './bootstrap/http-setup';

export async function createApp(): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, createFastifyAdapter(), {
    bufferLogs: true,
  });
  await configureHttp(app);
  return app;
}

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApp();
  await app.listen({ port: config.app.port, host: '0.0.0.0' });
}

if (require.main === module) {
  bootstrap().catch((err: unknown) => {
    console.error(err instanceof EnvironmentError ? err.message : err);
    process.exit(1);
  });
}
