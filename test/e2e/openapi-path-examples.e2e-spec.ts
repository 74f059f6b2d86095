import { OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';

import { REQUIRED_PERMISSION } from '../../src/auth/decorators/require-permission.decorator';
import { Permission, Role, roleHas } from '../../src/auth/permissions';
import { buildOpenApiDocument } from '../../src/bootstrap/http-setup';
import { loadConfig } from '../../src/config/configuration';
import { seedDemoDatabase } from '../../src/database/seeds/demo';
import { controllerHandlers } from '../helpers/controller-handlers';
import { bearer } from '../helpers/http';
import { createTestApp, TestApp } from '../setup/create-test-app';

type Parameter = { name: string; in: string; example?: unknown; schema?: { enum?: unknown[] } };
type Operation = { operationId: string; parameters?: Parameter[] };
type BodySchema = {
  $ref?: string;
  example?: unknown;
  items?: BodySchema;
  allOf?: BodySchema[];
  properties?: Record<string, BodySchema>;
};
interface PathOperation {
  method: string;
  path: string;
  operation: Operation;
  pathParameters: Parameter[];
}

// The demo logins, tried in this order: an operation is called as the first one allowed.
const DEMO_LOGINS: [Role, string][] = [
  [Role.PeerSpecialist, 'peer1@demo.test'],
  [Role.Supervisor, 'supervisor@demo.test'],
  [Role.Admin, 'admin@demo.test'],
];

// Where the row a path parameter names lives, by the path segment before the parameter.
const TABLES: Record<string, string> = {
  users: 'app_user',
  teams: 'team',
  'api-clients': 'api_client',
  notifications: 'notification',
  clients: 'client',
  coverage: 'client_coverage',
  consents: 'consent',
  'session-notes': 'session_note',
  'group-sessions': 'group_session',
  'recovery-plans': 'recovery_plan',
  goals: 'goal',
  'follow-ups': 'follow_up',
  resources: 'community_resource',
  'referrals-out': 'referral_out',
  specialists: 'app_user',
  certifications: 'specialist_certification',
  caseloads: 'app_user',
  webhooks: 'webhook',
  deliveries: 'webhook_delivery',
};

// A nested id belongs to the record before it: `/clients/{id}/coverage/{coverageId}`.
const PARENT_COLUMNS: Record<string, string> = {
  coverage: 'client_id',
  consents: 'client_id',
  certifications: 'user_id',
  deliveries: 'webhook_id',
};

function pathOperations(doc: OpenAPIObject): PathOperation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    (['get', 'put', 'post', 'patch', 'delete'] as const).flatMap((method) => {
      const operation = item[method] as Operation | undefined;
      const pathParameters = operation?.parameters?.filter((p) => p.in === 'path') ?? [];
      return operation && pathParameters.length
        ? [{ method, path, operation, pathParameters }]
        : [];
    }),
  );
}

const collectionOf = (path: string, name: string): string => {
  const segments = path.split('/');
  return segments[segments.indexOf(`{${name}}`) - 1];
};

// Whether the row a path parameter's example names exists (under the record before it, if nested).
async function namesARow(
  t: TestApp,
  path: string,
  p: Parameter,
  all: Parameter[],
): Promise<boolean> {
  const collection = collectionOf(path, p.name);
  const table = TABLES[collection];
  if (!table) return false;
  const parentColumn = PARENT_COLUMNS[collection];
  const parent = parentColumn && all.find((q) => q.name === 'id' && q !== p);
  const rows = await t.dataSource.query(
    `SELECT 1 FROM ${table} WHERE id = $1${parent ? ` AND ${parentColumn} = $2` : ''}`,
    parent ? [p.example, parent.example] : [p.example],
  );
  return rows.length > 0;
}

const withExamples = ({ path, pathParameters }: PathOperation): string =>
  pathParameters.reduce(
    (url, p) => url.replace(`{${p.name}}`, encodeURIComponent(String(p.example))),
    path,
  );

describe('the path parameter examples of the API documentation, against the demo data', () => {
  let t: TestApp;
  let doc: OpenAPIObject;
  const tokens = new Map<Role, string>();
  const permissions = new Map<string, Permission>();

  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoDatabase();
    doc = buildOpenApiDocument(t.app);
    for (const { controller, handler } of controllerHandlers(t.app)) {
      const operationId = `${controller.name.replace(/Controller$/, '')}_${handler.name}`;
      permissions.set(operationId, Reflect.getMetadata(REQUIRED_PERMISSION, handler));
    }
    for (const [role, email] of DEMO_LOGINS) {
      const login = await request(t.app.getHttpServer())
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', '192.0.2.215')
        .send({ email, password: loadConfig().app.demoPassword })
        .expect(200);
      tokens.set(role, login.body.accessToken);
    }
  });
  afterAll(() => t.close());

  it('should answer 200 to every GET with path parameters, filled with their examples, as the first demo login allowed', async () => {
    const reads = pathOperations(doc).filter((o) => o.method === 'get');
    expect(reads.length).toBeGreaterThan(25);
    const failures: string[] = [];
    for (const read of reads) {
      const permission = permissions.get(read.operation.operationId);
      const login = DEMO_LOGINS.find(([role]) => permission && roleHas(role, permission));
      if (!login) {
        failures.push(`${read.path}: no demo login has ${permission ?? 'its permission'}`);
        continue;
      }
      const res = await request(t.app.getHttpServer())
        .get(withExamples(read))
        .auth(tokens.get(login[0])!, bearer);
      if (res.status !== 200) failures.push(`GET ${read.path} as ${login[1]}: ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('should name an existing demo row (or an allowed value) in every other operation’s path parameters', async () => {
    const writes = pathOperations(doc).filter((o) => o.method !== 'get');
    expect(writes.length).toBeGreaterThan(30);
    const missing: string[] = [];
    for (const { method, path, pathParameters } of writes) {
      for (const p of pathParameters) {
        const where = `${method.toUpperCase()} ${path} {${p.name}} = ${String(p.example)}`;
        if (p.schema?.enum) {
          if (!p.schema.enum.includes(p.example)) missing.push(`${where}: not one of its values`);
          continue;
        }
        if (!(await namesARow(t, path, p, pathParameters))) missing.push(`${where}: no such row`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('should send the draft note to the operations only a draft allows', async () => {
    const draftOnly = pathOperations(doc).filter(
      (o) =>
        o.path === '/api/v1/session-notes/{id}/sign' ||
        (o.path === '/api/v1/session-notes/{id}' && o.method === 'patch'),
    );
    expect(draftOnly).toHaveLength(2);
    for (const o of draftOnly) {
      const [note] = await t.dataSource.query(`SELECT status FROM session_note WHERE id = $1`, [
        o.pathParameters[0].example,
      ]);
      expect(note).toEqual({ status: 'draft' });
    }
  });
  it('should name an existing demo row with every id in a request body example', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const schemas = doc.components!.schemas as Record<string, BodySchema>;
    const ids = new Map<string, string>();
    // The ids Swagger UI would send: a whole-body example, else each property's, nested ones too.
    const collect = (schema: BodySchema | undefined, where: string, seen: Set<string>): void => {
      if (!schema) return;
      if (schema.$ref) {
        const name = schema.$ref.split('/').pop()!;
        if (!seen.has(name)) collect(schemas[name], name, new Set([...seen, name]));
        return;
      }
      for (const part of schema.allOf ?? []) collect(part, where, seen);
      collect(schema.items, where, seen);
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        for (const value of [property.example].flat()) {
          if (typeof value === 'string' && uuid.test(value)) ids.set(`${where}.${name}`, value);
        }
        collect(property, `${where}.${name}`, seen);
      }
    };
    for (const item of Object.values(doc.paths)) {
      for (const method of ['put', 'post', 'patch', 'delete'] as const) {
        const body = item[method]?.requestBody as
          { content: Record<string, { example?: unknown; schema?: BodySchema }> } | undefined;
        for (const [type, media] of Object.entries(body?.content ?? {})) {
          const where = `${item[method]!.operationId} ${type}`;
          if (media.example === undefined) collect(media.schema, where, new Set());
          else
            for (const [name, value] of Object.entries(media.example as object)) {
              if (typeof value === 'string' && uuid.test(value)) ids.set(`${where}.${name}`, value);
            }
        }
      }
    }
    expect(ids.size).toBeGreaterThan(10);
    const tables = [...new Set(Object.values(TABLES))];
    const [{ found }] = await t.dataSource.query(
      `SELECT array_agg(DISTINCT id::text) AS found FROM (${tables
        .map((table) => `SELECT id FROM ${table} WHERE id = ANY ($1::uuid[])`)
        .join(' UNION ALL ')}) x`,
      [[...new Set(ids.values())]],
    );
    const unknown = [...ids].filter(([, id]) => !(found ?? []).includes(id)).map(([at]) => at);
    expect(unknown).toEqual([]);
  });
});
