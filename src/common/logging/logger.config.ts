import type { FastifyReply, FastifyRequest } from 'fastify';
import { Params } from 'nestjs-pino';
import type { Logger } from 'pino';

import { Config } from '../../config/configuration';

// Never log headers (tokens, cookies), bodies (PHI) or query strings (name searches): only the
// method, the path and the correlation id. The paths below catch anything passed by mistake.
const SENSITIVE = [
  'authorization',
  'cookie',
  'password',
  'passwordHash',
  'refreshToken',
  'accessToken',
  'clientSecret',
  'client_secret',
  'token',
  'firstName',
  'lastName',
  'dateOfBirth',
  'email',
  'phone',
];
const REDACT = ['req.headers', ...SENSITIVE, ...SENSITIVE.map((key) => `*.${key}`)];

/**
 * pino-http's middleware is bound to no route: its child logger and redaction on every request
 * cost more than the rest of the logging together, even with request lines switched off. The
 * request line, with the correlation id, is written by `logRequest` from a Fastify hook; errors
 * carry it too (ProblemFilter), and so do audit events and job payloads.
 */
export function loggerParams(config: Config): Params {
  return {
    forRoutes: [],
    pinoHttp: {
      level: config.app.logLevel,
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          correlationId: req.id,
          method: req.method,
          path: req.url?.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}

/** One line a request, at info: the method, the path without its query, the status and time. */
export function logRequest(logger: Logger, request: FastifyRequest, reply: FastifyReply): void {
  if (!logger.isLevelEnabled('info')) return;
  const path = request.url.split('?')[0];
  if (path.startsWith('/health') || path === '/metrics') return;
  logger.info(
    {
      correlationId: request.id,
      method: request.method,
      path,
      statusCode: reply.statusCode,
      responseTimeMs: Math.round(reply.elapsedTime),
    },
    'request completed',
  );
}
