import { Writable } from 'node:stream';

import pinoHttp, { Options } from 'pino-http';

import { loggerParams } from './logger.config';

describe('logger redaction', () => {
  it('should log the method, path and correlation id, never headers, query strings or bodies', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _, done) => (lines.push(chunk.toString()), done()) });
    const options = loggerParams({ app: { logLevel: 'info' } } as never).pinoHttp as Options;
    const logger = pinoHttp(options, sink);
    const req = {
      method: 'GET',
      url: '/api/v1/clients?q=Jane%20Doe',
      headers: { authorization: 'Bearer secret-token', cookie: 'sid=abc' },
      correlationId: 'corr-1',
      socket: {},
    };
    logger.logger.info({ req, password: 'hunter2', body: { firstName: 'Jane' } }, 'request');
    const out = lines.join('');
    expect(out).toContain('/api/v1/clients');
    expect(out).not.toMatch(/Jane|secret-token|sid=abc|hunter2/);
  });
});
