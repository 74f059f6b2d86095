import { AsyncLocalStorage } from 'node:async_hooks';

import { failed, ready } from './instrument';

import type { ExecutionContext } from '@nestjs/common';

import { JwtAuthGuard } from '../../src/auth/guards/jwt-auth.guard';
import { createApp } from '../../src/main';
import { loadConfig } from '../../src/config/configuration';

/**
 * The service under test: the real API (createApp from src/main), instrumented. With
 * BENCH_NOAUTH=1 authentication is skipped (S6's "the same GET without auth"): the token's
 * claims are read without verifying the signature or the session, everything else is unchanged.
 * With BENCH_ALS=1 every request runs inside an AsyncLocalStorage context holding its correlation
 * id (what the API did before 2026-12-03): it measures what one ALS in use costs on this Node.
 */
if (process.env.BENCH_NOAUTH === '1') {
  JwtAuthGuard.prototype.canActivate = function (context: ExecutionContext): boolean {
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; user?: unknown }>();
    const token = request.headers.authorization?.slice('Bearer '.length);
    if (token) {
      const c = JSON.parse(
        Buffer.from(token.split('.')[1], 'base64url').toString('utf8'),
      ) as Record<string, string>;
      request.user = {
        kind: 'user',
        id: c.sub,
        organizationId: c.org,
        role: c.role,
        sessionId: c.sid,
      };
    }
    return true;
  };
}

async function main(): Promise<void> {
  const app = await createApp();
  if (process.env.BENCH_ALS === '1') {
    const als = new AsyncLocalStorage<{ correlationId: string }>();
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRequest', (request, _reply, done) =>
        als.run({ correlationId: String(request.id) }, done),
      );
  }
  await app.listen({ port: loadConfig().app.port, host: '127.0.0.1' });
  ready();
}

main().catch(failed);
