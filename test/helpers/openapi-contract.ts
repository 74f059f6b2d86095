import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON Schema documents are untyped trees */

export type Schema = Record<string, any>;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  operationId: string;
  parameters: Parameter[];
  requestSchema?: Schema;
  requestContentTypes: string[];
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  secured: boolean;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, Schema> };
}

// The statuses the generated `default` response lists (http-setup.ts PROBLEM_RESPONSE).
const DEFAULT_STATUSES = /\(([\d, ]+)\)/;

export function loadOpenApi(file?: string): OpenApiDocument {
  file ??= join(__dirname, '../../openapi.yaml');
  return load(readFileSync(file, 'utf8')) as OpenApiDocument;
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = item[method];
      if (!op) continue;
      const content = op.requestBody?.content ?? {};
      operations.push({
        method,
        path,
        operationId: op.operationId,
        parameters: op.parameters ?? [],
        requestSchema: content['application/json']?.schema,
        requestContentTypes: Object.keys(content),
        responses: op.responses,
        secured: Array.isArray(op.security) && op.security.length > 0,
      });
    }
  }
  return operations;
}

export function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  let s = schema;
  while (s?.$ref) s = doc.components.schemas[s.$ref.split('/').pop() as string];
  return s;
}

/**
 * OpenAPI 3.0 schema -> JSON Schema for Ajv: `nullable` becomes a null alternative, and response
 * objects get `additionalProperties: false` so an undocumented field (a leak) fails validation.
 */
function toJsonSchema(schema: any, closeObjects: boolean): any {
  if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(s, closeObjects));
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: any = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable' || key === 'example') continue;
    if (key === '$ref') out.$ref = (value as string).replace(/^#\//, 'openapi#/');
    else if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as object).map(([k, v]) => [k, toJsonSchema(v, closeObjects)]),
      );
    } else out[key] = toJsonSchema(value, closeObjects);
  }
  if (closeObjects && out.properties && out.additionalProperties === undefined && !out.allOf) {
    out.additionalProperties = false;
  }
  return schema.nullable ? { anyOf: [{ type: 'null' }, out] } : out;
}

/** Checks a response (status, content type, body) against the operation's documented responses. */
export class ResponseContract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly defaultStatuses: Set<number>;

  constructor(doc: OpenApiDocument) {
    addFormats(this.ajv);
    const schemas = Object.fromEntries(
      Object.entries(doc.components.schemas).map(([k, v]) => [k, toJsonSchema(v, true)]),
    );
    this.ajv.addSchema({ $id: 'openapi', components: { schemas } });
    const sample = Object.values(doc.paths)[0];
    const description: string = (Object.values(sample)[0] as any).responses.default.description;
    this.defaultStatuses = new Set(
      DEFAULT_STATUSES.exec(description)![1]
        .split(',')
        .map((s) => Number(s.trim())),
    );
  }

  /** The mismatches of one response, empty when it matches the document. */
  check(
    op: Operation,
    res: { status: number; headers: Record<string, string>; body: unknown; text: string },
  ): string[] {
    const explicit = op.responses[String(res.status)];
    const documented = explicit ?? op.responses.default;
    if (!explicit && !this.defaultStatuses.has(res.status)) {
      return [`status ${res.status} is not documented`];
    }
    const content = documented.content;
    if (!content) return res.text ? [`status ${res.status} documents no body, got one`] : [];
    const type = (res.headers['content-type'] ?? '').split(';')[0].trim();
    const entry = content[type];
    if (!entry) {
      return [`status ${res.status}: content type "${type}" is not one of ${Object.keys(content)}`];
    }
    const key = `${op.operationId} ${res.status} ${type}`;
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(entry.schema, true));
      this.cache.set(key, validate);
    }
    if (validate(res.body)) return [];
    return (validate.errors ?? []).map(
      (e) => `status ${res.status} body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
    );
  }
}
