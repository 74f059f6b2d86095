import type { IncomingMessage } from 'node:http';

import { Params } from 'nestjs-pino';

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

export function loggerParams(config: Config): Params {
  return {
    pinoHttp: {
      level: config.app.logLevel,
      genReqId: (req: IncomingMessage) =>
        (req as IncomingMessage & { correlationId?: string }).correlationId ?? '',
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          correlationId: req.id,
          method: req.method,
          path: req.url?.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: {
        ignore: (req) => (req.url ?? '').startsWith('/health') || req.url === '/metrics',
      },
    },
  };
}
