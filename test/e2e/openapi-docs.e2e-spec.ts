import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { OpenAPIObject } from '@nestjs/swagger';
import { isUUID } from 'class-validator';

import { buildOpenApiDocument } from '../../src/bootstrap/http-setup';
import { createValidationPipe } from '../../src/common/http/validation';
import { controllerHandlers } from '../helpers/controller-handlers';
import { createTestApp, TestApp } from '../setup/create-test-app';

type Schema = {
  $ref?: string;
  example?: unknown;
  default?: unknown;
  enum?: unknown[];
  type?: string;
  allOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
};
type Parameter = {
  name: string;
  in: string;
  example?: unknown;
  schema?: { format?: string; enum?: unknown[]; type?: string; minimum?: number };
};
type Operation = {
  operationId: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> };
};

// A newcomer's working day (issue 15 point 7): sign in; clients; their notes; plans; discharges
// and follow-ups; the dashboards; then administration, the audit log and health.
const SECTIONS: string[][] = [
  ['auth', 'oauth'],
  ['clients', 'consents', 'disclosures'],
  ['session-notes', 'group-sessions', 'assessments'],
  ['recovery-plans', 'goals', 'relapse-prevention-plans'],
  ['discharges', 'follow-ups', 'referrals-out', 'resources'],
  ['caseloads', 'reports', 'notifications'],
  ['specialists', 'users', 'teams', 'api-clients', 'settings'],
  ['integrations', 'webhooks'],
  ['audit'],
  ['health'],
];

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

function operations(doc: OpenAPIObject): Operation[] {
  return Object.values(doc.paths).flatMap((item) =>
    METHODS.map((m) => (item as Record<string, unknown>)[m] as Operation | undefined).filter(
      (op): op is Operation => op !== undefined,
    ),
  );
}

/**
 * The body Swagger UI's "Try it out" starts from: every property's example (or default, or first
 * enum value; `true` for a boolean). A property with none of these is reported by its path: the UI
 * would send a placeholder such as "string" that the API refuses.
 */
function exampleOf(doc: OpenAPIObject, schema: Schema, path: string, missing: string[]): unknown {
  const s: Schema = schema.$ref
    ? (doc.components!.schemas![schema.$ref.split('/').pop()!] as Schema)
    : schema;
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (s.enum) return s.enum[0];
  if (s.allOf) {
    return Object.assign({}, ...s.allOf.map((part) => exampleOf(doc, part, path, missing)));
  }
  if (s.type === 'boolean') return true;
  if (s.type === 'array' && s.items) return [exampleOf(doc, s.items, `${path}[]`, missing)];
  if (s.properties) {
    return Object.fromEntries(
      Object.entries(s.properties).map(([k, v]) => [k, exampleOf(doc, v, `${path}.${k}`, missing)]),
    );
  }
  missing.push(path || '(body)');
  return undefined;
}

/** A path parameter with an example its schema accepts (the controllers' validation agrees). */
function fitsItsSchema(p: Parameter | undefined): boolean {
  if (!p?.schema || p.example === undefined) return false;
  const { format, enum: values, type, minimum } = p.schema;
  if (format === 'uuid') return typeof p.example === 'string' && isUUID(p.example);
  if (values) return values.includes(p.example);
  if (type === 'number')
    return Number.isInteger(p.example) && (p.example as number) >= (minimum ?? 0);
  return false;
}

describe('the API documentation (/docs, openapi.yaml)', () => {
  let t: TestApp;
  let doc: OpenAPIObject;
  beforeAll(async () => {
    t = await createTestApp();
    doc = buildOpenApiDocument(t.app);
  });
  afterAll(() => t.close());

  it('should list its sections in the order of a working day, each described', () => {
    expect(doc.tags?.map((tag) => tag.name)).toEqual(SECTIONS.flat());
    for (const tag of doc.tags ?? []) expect(tag.description).toMatch(/\w{3,}/);
  });

  it('should file every operation under one of those sections', () => {
    const known = new Set(SECTIONS.flat());
    const stray = operations(doc)
      .filter((op) => !op.tags?.length || op.tags.some((tag) => !known.has(tag)))
      .map((op) => `${op.operationId}: ${op.tags?.join(',') ?? '(none)'}`);
    expect(stray).toEqual([]);
  });

  it('should give every request body an example, every property of it included', () => {
    const withBody = operations(doc).filter((op) => op.requestBody);
    expect(withBody.length).toBeGreaterThan(30);
    const gaps = withBody.flatMap((op) =>
      Object.entries(op.requestBody!.content).flatMap(([type, media]) => {
        if (media.example !== undefined) return [];
        const missing: string[] = [];
        exampleOf(doc, media.schema, '', missing);
        return missing.map((p) => `${op.operationId} ${type} ${p}`);
      }),
    );
    expect(gaps).toEqual([]);
  });

  it('should document every path parameter with an example of its type (a demo record’s id)', () => {
    const gaps = Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.flatMap((method) => {
        const op = (item as Record<string, Operation | undefined>)[method];
        if (!op) return [];
        const documented = new Map(
          (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => [p.name, p]),
        );
        const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        return names
          .filter((name) => !fitsItsSchema(documented.get(name)))
          .map((name) => `${method.toUpperCase()} ${path} {${name}}`);
      }),
    );
    expect(gaps).toEqual([]);
  });

  it('should have request body examples that pass the API’s own input validation', async () => {
    const pipe = createValidationPipe();
    const byOperation = new Map(operations(doc).map((op) => [op.operationId, op]));
    const refused: string[] = [];
    let checked = 0;
    for (const { controller, handler, paramTypes } of controllerHandlers(t.app)) {
      const args: Record<string, { index: number }> =
        Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {};
      const body = Object.entries(args).find(([key]) => key.startsWith(`${RouteParamtypes.BODY}:`));
      if (!body) continue;
      const metatype = paramTypes[body[1].index] as new () => object;
      const operationId = `${controller.name.replace(/Controller$/, '')}_${handler.name}`;
      const op = byOperation.get(operationId);
      if (!op?.requestBody) continue;
      const media = Object.values(op.requestBody.content)[0];
      const example = media.example ?? exampleOf(doc, media.schema, '', []);
      checked++;
      try {
        await pipe.transform(example, { type: 'body', metatype, data: undefined });
      } catch (err) {
        const { extra } = err as { extra?: { errors?: unknown } };
        refused.push(`${operationId}: ${JSON.stringify(extra?.errors ?? String(err))}`);
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(refused).toEqual([]);
  });
});
