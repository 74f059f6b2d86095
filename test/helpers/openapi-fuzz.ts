import fc from 'fast-check';

import { OpenApiDocument, Operation, Parameter, resolve, Schema } from './openapi-contract';

const DAY = 86_400_000;
const NOW = Date.now();

/** Ids the generator may use for uuid fields: real records, so values get past 404 sometimes. */
export interface FuzzIds {
  uuids: string[];
}

const isoInstant = fc
  .integer({ min: -400, max: 400 })
  .map((days) => new Date(NOW + days * DAY + 3_600_000).toISOString());
const isoDate = fc
  .integer({ min: -20_000, max: 400 })
  .map((days) => new Date(NOW + days * DAY).toISOString().slice(0, 10));

/** Strings that are not what a field expects: garbled dates, huge, unicode, control characters. */
export const badStrings: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '2026-13-45',
    '2026-02-30',
    '2026-02-30T25:61:00Z',
    '0000-00-00',
    '9999-12-31T23:59:59.999Z',
    '+275760-09-13T00:00:00.000Z',
    'not-a-date',
    '1e999',
    '-0',
    'NaN',
    'null',
    'true',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffffff',
    "'; DROP TABLE client; --",
    '%00',
    'nul\u0000byte',
    '\ud800',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓ ǅ Ω 🙂 \u202e',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    'x'.repeat(10_000),
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Cursors as a client could garble them: base64url of the wrong JSON, truncated, not base64. */
export const badCursors: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('%%%', '!!!', 'W10', 'e30', 'bnVsbA', 'MQ', 'x'.repeat(600)),
  fc.uuid().map((id) => b64([new Date().toISOString(), id])),
  fc
    .tuple(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), badStrings)
    .map((pair) => b64(pair)),
  fc.tuple(badStrings, fc.uuid()).map((pair) => b64(pair)),
  fc.jsonValue().map((v) => b64(v)),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => Buffer.from(s).toString('base64url')),
  badStrings,
);

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value) ?? 'undefined').toString('base64url');
}

const badValues: fc.Arbitrary<unknown> = fc.oneof(
  badStrings,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53 + 1, 1e308, -1e308, [], {}, [null], {
    $ne: null,
  }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Fields the server owns: a body carrying them must not set them. */
const SERVER_OWNED = [
  'id',
  'organizationId',
  'version',
  'createdAt',
  'updatedAt',
  'deletedAt',
  'status',
  'authorId',
  'createdById',
  'clientId',
  'ownerId',
  'signedAt',
  'contentHash',
  'reviewerId',
  'source',
  'passwordHash',
  'secretHash',
  'active',
];

/** A value that satisfies the schema as far as the document can tell. */
export function validArbitrary(
  doc: OpenApiDocument,
  raw: Schema,
  ids: FuzzIds,
): fc.Arbitrary<unknown> {
  const schema = resolve(doc, raw);
  if (!schema) return fc.constant(undefined);
  if (schema.allOf?.length === 1) return validArbitrary(doc, schema.allOf[0], ids);
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  // Dates documented with `type: object` (a decorator bug) are still dates.
  if (schema.format === 'date') return isoDate;
  if (schema.format === 'date-time') return isoInstant;
  if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...ids.uuids), fc.uuid());
  switch (schema.type) {
    case 'number':
    case 'integer':
      return fc.integer({
        min: Math.ceil(schema.minimum ?? 0),
        max: Math.floor(schema.maximum ?? 50),
      });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validArbitrary(doc, schema.items ?? {}, ids), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, Math.max(schema.minItems ?? 0, 3)),
      });
    case 'object':
      if (schema.properties) return objectArbitrary(doc, schema, ids);
      if (schema.additionalProperties) {
        return fc.dictionary(
          fc.constantFrom('narrative', 'data', 'assessment', 'plan', 'x'),
          fc.string(),
        );
      }
      // `type: object` without properties: a nullable string the decorator mis-typed.
      return fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: null });
    default:
      if (schema.example !== undefined)
        return fc.oneof(fc.constant(schema.example), stringFor(schema));
      return stringFor(schema);
  }
}

function stringFor(schema: Schema): fc.Arbitrary<string> {
  return fc.string({
    unit: 'grapheme-ascii',
    minLength: Math.max(schema.minLength ?? 1, 1),
    maxLength: Math.min(schema.maxLength ?? 30, 30),
  });
}

function objectArbitrary(
  doc: OpenApiDocument,
  schema: Schema,
  ids: FuzzIds,
): fc.Arbitrary<unknown> {
  const required = new Set<string>(schema.required ?? []);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, prop] of Object.entries(schema.properties as Record<string, Schema>)) {
    model[key] = validArbitrary(doc, prop, ids);
  }
  return fc.record(model, { requiredKeys: [...required] });
}

/** A body: mostly valid, or valid with one thing wrong, or not an object at all. */
export function bodyArbitrary(
  doc: OpenApiDocument,
  op: Operation,
  ids: FuzzIds,
): fc.Arbitrary<unknown> {
  const base = op.requestSchema ? validArbitrary(doc, op.requestSchema, ids) : fc.constant({});
  const asObject = base.map((b) => (typeof b === 'object' && b !== null ? { ...b } : {}));
  return fc.oneof(
    { arbitrary: base, weight: 4 },
    { arbitrary: fc.tuple(asObject, fc.nat()).map(([b, n]) => dropKey(b, n)), weight: 1 },
    {
      arbitrary: fc.tuple(asObject, fc.nat(), badValues).map(([b, n, v]) => setKey(b, n, v)),
      weight: 3,
    },
    {
      arbitrary: fc
        .tuple(
          asObject,
          fc.constantFrom(...SERVER_OWNED),
          fc.oneof(badValues, fc.uuid(), isoInstant),
        )
        .map(([b, k, v]) => ({ ...b, [k]: v })),
      weight: 2,
    },
    {
      arbitrary: fc
        .tuple(asObject, fc.string({ minLength: 1, maxLength: 12 }), badValues)
        .map(([b, k, v]) => ({ ...b, [`unknown_${k}`]: v })),
      weight: 1,
    },
    { arbitrary: fc.constantFrom<unknown>([], 'text', 42, null, true, [{}]), weight: 1 },
  );
}

function dropKey(body: Record<string, unknown>, n: number): Record<string, unknown> {
  const keys = Object.keys(body);
  if (keys.length === 0) return body;
  const { [keys[n % keys.length]]: _dropped, ...rest } = body;
  return rest;
}

function setKey(body: Record<string, unknown>, n: number, value: unknown): Record<string, unknown> {
  const keys = Object.keys(body);
  if (keys.length === 0) return { value };
  return { ...body, [keys[n % keys.length]]: value };
}

/** Query parameters: each optional one present or not, valid or garbled (cursors always garbled). */
export function queryArbitrary(
  doc: OpenApiDocument,
  params: Parameter[],
  ids: FuzzIds,
): fc.Arbitrary<Record<string, string>> {
  const model: Record<string, fc.Arbitrary<string>> = {};
  for (const p of params.filter((q) => q.in === 'query')) {
    const valid = validArbitrary(doc, p.schema, ids).map((v) => String(v));
    model[p.name] =
      p.name === 'cursor'
        ? badCursors
        : fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: badStrings, weight: 1 });
  }
  const required = params.filter((q) => q.in === 'query' && q.required).map((q) => q.name);
  return fc.record(model, { requiredKeys: required }) as fc.Arbitrary<Record<string, string>>;
}
