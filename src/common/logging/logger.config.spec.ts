import { Writable } from 'node:stream';

import pinoHttp, { Options } from 'pino-http';

import { loggerParams, logRequest } from './logger.config';

describe('logger redaction', () => {
  it('should log the method, path and correlation id, never headers, query strings or bodies', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk, _, done) => (lines.push(chunk.toString()), done()),
    });
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

describe('request lines', () => {
  const capture = (level: string) => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write: (chunk, _, done) => (lines.push(JSON.parse(chunk.toString())), done()),
    });
    const options = loggerParams({ app: { logLevel: level } } as never).pinoHttp as Options;
    return { lines, logger: pinoHttp(options, sink).logger };
  };
  const request = (url: string) =>
    ({ id: 'corr-7', method: 'GET', url, headers: { authorization: 'Bearer t' } }) as never;
  const reply = { statusCode: 200, elapsedTime: 12.4 } as never;

  it('should log the correlation id, method, path without its query, status and time', () => {
    const { lines, logger } = capture('info');
    logRequest(logger, request('/api/v1/clients?q=Jane%20Doe'), reply);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'request completed',
      correlationId: 'corr-7',
      method: 'GET',
      path: '/api/v1/clients',
      statusCode: 200,
      responseTimeMs: 12,
    });
    expect(JSON.stringify(lines[0])).not.toMatch(/Jane|Bearer/);
  });

  it('should not log health and metrics probes, nor anything below the configured level', () => {
    const info = capture('info');
    logRequest(info.logger, request('/health/ready'), reply);
    logRequest(info.logger, request('/metrics'), reply);
    expect(info.lines).toEqual([]);
    const warn = capture('warn');
    logRequest(warn.logger, request('/api/v1/clients'), reply);
    expect(warn.lines).toEqual([]);
  });
});
