import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet, { HelmetOptions } from 'helmet';
import { Logger, PinoLogger } from 'nestjs-pino';

import { loadConfig } from '../config/configuration';
import { ProblemResponse } from '../common/dto/problem.response';
import { logRequest } from '../common/logging/logger.config';
import { httpDuration } from '../common/metrics/metrics';
import { QueueDashboardService } from '../queue/queue-dashboard.service';
import { API_TAGS } from './api-tags';
import { withBodyExamples, withPathExamples } from './openapi-examples';
import { etagOf } from '../common/http/etag';
import { createValidationPipe } from '../common/http/validation';
import { FHIR_JSON } from '../modules/fhir/fhir-labels';
import { HL7_CONTENT_TYPES } from '../modules/integrations/hl7/hl7-content-type';

export const BODY_LIMIT_BYTES = 256 * 1024;
const CORRELATION_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Echo a well-formed X-Correlation-Id, or mint one: the request's id (`request.id`). */
function genReqId(req: IncomingMessage): string {
  const header = req.headers['x-correlation-id'];
  return typeof header === 'string' && CORRELATION_ID.test(header) ? header : randomUUID();
}

const HELMET: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
    },
  },
};

/**
 * Helmet's headers, computed once: without CSP nonces they are the same on every response, and
 * @fastify/helmet builds the whole middleware again on every request (2 % of a note write's CPU).
 */
export function securityHeaders(options: HelmetOptions = HELMET): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: unknown) => void (headers[name] = String(value)),
    removeHeader: (name: string) => void delete headers[name],
  };
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, () => undefined);
  return headers;
}

export function createFastifyAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId,
    logger: false,
    // A hop count or the proxies' CIDRs, never `true`: request.ip is the right-most
    // X-Forwarded-For entry no trusted proxy added, not the left-most one the client writes.
    trustProxy: loadConfig().app.trustProxy,
  });
}

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Recovery Bridge API')
    .setDescription(
      'Case management for certified peer recovery specialists: caseloads, recovery plans, session ' +
        'notes, and the discharge-to-community follow-up bridge. Errors are RFC 9457 problem+json.',
    )
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  // Swagger UI lists the sections in this order (a newcomer's working day), not by first use.
  for (const tag of API_TAGS) config.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, config.build(), {
    extraModels: [ProblemResponse],
    operationIdFactory: (controller, method) =>
      `${controller.replace(/Controller$/, '')}_${method}`,
  });
  // RFC 9457 extension members (a transition's from/to, DUPLICATE_CLIENT's existingClientId,
  // OAuth's error, a readiness failure's checks) ride along on some problems.
  const problem = document.components?.schemas?.ProblemResponse as {
    additionalProperties?: boolean;
  };
  problem.additionalProperties = true;
  return withBodyExamples(withPathExamples(withProblemDefaults(document)));
}

const PROBLEM_RESPONSE = {
  description:
    'Error: RFC 9457 problem details (400, 401, 403, 404, 409, 412, 413, 422, 428, 429, 503)',
  content: {
    'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemResponse' } },
  },
};

/**
 * Every operation can fail with a problem+json body: say so once, for all of them. The error
 * responses declared with `@ApiXxxResponse({ type: ProblemResponse })` come out as
 * application/json; ProblemFilter answers application/problem+json, so they are relabelled.
 */
function withProblemDefaults(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      operation.responses.default ??= PROBLEM_RESPONSE;
      for (const [status, response] of Object.entries(operation.responses)) {
        const content = (response as { content?: Record<string, unknown> }).content;
        if (Number(status) >= 400 && content?.['application/json']) {
          (response as { content: Record<string, unknown> }).content = {
            'application/problem+json': content['application/json'],
          };
        }
      }
    }
  }
  return document;
}

export interface RegisteredRoute {
  method: string;
  url: string;
}

const ROUTES = new WeakMap<object, RegisteredRoute[]>();

/**
 * Every route the HTTP server serves, however it was registered: Nest controllers and the plugins
 * mounted on Fastify directly (Swagger UI, the queue dashboard). The deny-by-default test walks it.
 */
export function registeredRoutes(app: NestFastifyApplication): RegisteredRoute[] {
  return ROUTES.get(app.getHttpAdapter().getInstance()) ?? [];
}

/** Everything the HTTP process configures on top of the module graph; tests call it too. */
export async function configureHttp(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const routes: RegisteredRoute[] = [];
  ROUTES.set(fastify, routes);
  fastify.addHook('onRoute', ({ method, url }) => {
    for (const m of [method].flat()) routes.push({ method: m, url });
  });
  // CSV imports (the resource directory) arrive as text; the body limit applies as to JSON.
  if (!fastify.hasContentTypeParser('text/csv')) {
    fastify.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
  }
  // HL7 v2 ER7 text (the ADT feed): read as a string, like text/plain.
  fastify.addContentTypeParser(HL7_CONTENT_TYPES[0], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  // FHIR clients send `application/fhir+json` bodies: JSON, read by Fastify's own JSON parser
  // (same limits, same prototype-poisoning refusal).
  fastify.addContentTypeParser(
    FHIR_JSON,
    { parseAs: 'string' },
    fastify.getDefaultJsonParser('error', 'error'),
  );
  const security = securityHeaders();
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(security);
    reply.header('X-Correlation-Id', request.id);
    if (!request.url.startsWith('/docs')) reply.header('Cache-Control', 'no-store');
    done();
  });
  // Any single record answered with a numeric `version` carries it as its ETag (a hook, not an
  // interceptor: it sees replays too, and costs no Observable on every request).
  fastify.addHook('preSerialization', (_request, reply, payload: unknown, done) => {
    const version = (payload as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && reply.statusCode < 300)
      reply.header('ETag', etagOf(version));
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    httpDuration
      .labels(request.method, request.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
    logRequest(PinoLogger.root, request, reply);
    done();
  });
  // A Fastify route keeps the error handler in force when it was added. Nest sets its own (the
  // ProblemFilter's problem+json) at init: routes added after it, like Swagger UI's, answer their
  // errors through it instead of Fastify's default JSON.
  await app.init();
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
  });
  await app.get(QueueDashboardService).register(fastify);
}
