import { writeFileSync } from 'node:fs';

import fc from 'fast-check';
import request from 'supertest';

import { buildApiWorld, ApiWorld, fixturePathId } from '../helpers/api-world';
import {
  loadOpenApi,
  Operation,
  operationsOf,
  ResponseContract,
} from '../helpers/openapi-contract';
import { badStrings, bodyArbitrary, FuzzIds, queryArbitrary } from '../helpers/openapi-fuzz';
import { TableSnapshot } from '../helpers/table-snapshot';
import { createTestApp, TestApp } from '../setup/create-test-app';

// Fixed, so a failure replays: fast-check prints the seed and the path of the failing run.
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
// audit_event records denials and failed logins on purpose; everything else must stay unchanged.
const CHANGES_ON_4XX = ['audit_event'];

// Stands for "the ETag the record has now" in a case.
const CURRENT = 'current-etag';

type RoleName = 'admin' | 'supervisor' | 'peer' | 'none';

interface FuzzCase {
  role: RoleName;
  pathGarbage: string | null;
  query: Record<string, string>;
  body: unknown;
  ifMatch: string | null;
  idempotencyKey: string | null;
  form: boolean;
}

// FUZZ_OPENAPI: another copy of the document (a regenerated one, before it is committed).
const doc = loadOpenApi(process.env.FUZZ_OPENAPI);
const operations = operationsOf(doc);
const contract = new ResponseContract(doc);

/** Keeps failure messages readable when the case holds a 10 000-character string. */
function clip(text: string | undefined, max = 600): string {
  const s = (text ?? '').replace(/(.)\1{40,}/g, (run, ch: string) => `${ch}×${run.length}`);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function urlSafe(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return 'not%20a%20uuid';
  }
}

const headerValue = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  fc.constantFrom('x'.repeat(300), ' ', ''),
  fc.uuid(),
);

function caseArbitrary(op: Operation, ids: FuzzIds): fc.Arbitrary<FuzzCase> {
  const roles: RoleName[] = op.secured ? ['admin', 'supervisor', 'peer'] : ['none'];
  return fc.record({
    role: fc.oneof(
      { arbitrary: fc.constantFrom(...roles), weight: 9 },
      { arbitrary: fc.constant<RoleName>('none'), weight: op.secured ? 1 : 0 },
    ),
    pathGarbage: fc.oneof(
      { arbitrary: fc.constant(null), weight: 7 },
      { arbitrary: fc.oneof(badStrings, fc.uuid()), weight: 1 },
    ),
    query: queryArbitrary(doc, op.parameters, ids),
    body: bodyArbitrary(doc, op, ids),
    ifMatch: fc.oneof(
      { arbitrary: fc.constant(CURRENT), weight: 3 },
      {
        arbitrary: fc.constantFrom(
          null,
          '"1"',
          '"2"',
          '*',
          'W/"1"',
          '"-1"',
          '"99999999999999999999"',
        ),
        weight: 2,
      },
      { arbitrary: headerValue, weight: 1 },
    ),
    idempotencyKey: fc.option(headerValue),
    form: fc.boolean(),
  });
}

describe('fuzzing every operation of openapi.yaml (e2e)', () => {
  let t: TestApp;
  let world: ApiWorld;
  let snapshot: TableSnapshot;
  let tokens: Record<RoleName, { token: string; id: string } | null>;

  beforeAll(async () => {
    t = await createTestApp();
    world = await buildApiWorld(t.app);
    snapshot = await TableSnapshot.create(t.dataSource, CHANGES_ON_4XX);
    const o = world.org;
    tokens = {
      admin: { token: o.admin.token, id: o.admin.id },
      supervisor: { token: o.supervisorA.token, id: o.supervisorA.id },
      peer: { token: o.peerA1.token, id: o.peerA1.id },
      none: null,
    };
  }, 60_000);
  afterAll(() => t?.close());

  it('should walk every operation the document has, and see a change when there is one', async () => {
    expect(operations.length).toBeGreaterThan(60);
    expect(snapshot.tableCount).toBeGreaterThan(25);
    const before = await snapshot.take();
    await t.dataSource.query(`UPDATE client SET preferred_name = 'Snapshot' WHERE id = $1`, [
      world.clientId,
    ]);
    expect(TableSnapshot.changed(before, await snapshot.take())).toEqual(['client']);
  });

  /** The record's ETag as the caller reads it, so some writes get past If-Match to the handler. */
  async function currentEtag(op: Operation, url: string, token?: string): Promise<string | null> {
    if (!token || !['patch', 'put'].includes(op.method) || !doc.paths[op.path].get) return '"1"';
    const res = await request(t.app.getHttpServer()).get(url).auth(token, { type: 'bearer' });
    return res.headers.etag ?? '"1"';
  }

  async function send(op: Operation, c: FuzzCase) {
    const caller = tokens[c.role];
    let url = op.path;
    for (const p of op.parameters.filter((q) => q.in === 'path')) {
      const value = c.pathGarbage ?? fixturePathId(world, op.path, p.name, caller?.id ?? '');
      url = url.replace(`{${p.name}}`, urlSafe(value));
    }
    let req = request(t.app.getHttpServer())[op.method](url).query(c.query);
    if (caller) req = req.auth(caller.token, { type: 'bearer' });
    const ifMatch = c.ifMatch === CURRENT ? await currentEtag(op, url, caller?.token) : c.ifMatch;
    if (ifMatch !== null) req = req.set('If-Match', ifMatch);
    if (c.idempotencyKey !== null) req = req.set('Idempotency-Key', c.idempotencyKey);
    if (op.parameters.some((p) => p.in === 'header' && p.name === 'authorization')) {
      req = req.set('Authorization', `Basic ${Buffer.from(String(c.ifMatch)).toString('base64')}`);
    }
    if (!op.requestSchema) return req;
    if (c.form && op.requestContentTypes.includes('application/x-www-form-urlencoded')) {
      const fields = typeof c.body === 'object' && c.body !== null ? c.body : { body: c.body };
      return req
        .type('form')
        .send(
          Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, JSON.stringify(v) ?? ''])),
        );
    }
    return req.set('Content-Type', 'application/json').send(JSON.stringify(c.body) ?? 'null');
  }

  // Every list, every role, the same garbled cursors: a deterministic sweep beside the random runs.
  const cursorOperations = operations.filter((op) =>
    op.parameters.some((p) => p.name === 'cursor'),
  );
  const GARBLED_CURSORS = [
    'not base64!',
    b64([]),
    b64({ key: 'x', id: 'y' }),
    b64([1, 2]),
    b64(['', '']),
    b64(['2026-01-01T00:00:00.000Z', 'not-a-uuid']),
    b64(['not-a-date', '7a3c447e-ffe7-4fff-8b07-f5333c73e752']),
    b64(['2026-02-30T25:61:00Z', '7a3c447e-ffe7-4fff-8b07-f5333c73e752']),
    b64(['2026-01-01T00:00:00.000Z', '00000000-0000-0000-0000-000000000000']),
    b64(['nul\u0000byte', '7a3c447e-ffe7-4fff-8b07-f5333c73e752']),
    b64(['x'.repeat(300), '7a3c447e-ffe7-4fff-8b07-f5333c73e752']),
  ];

  it.each(cursorOperations.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op]))(
    'should answer a garbled cursor on %s with 4xx or a page, never 5xx, as documented',
    async (_name, op) => {
      const failures: string[] = [];
      for (const role of ['admin', 'supervisor', 'peer'] as const) {
        for (const cursor of GARBLED_CURSORS) {
          const c: FuzzCase = {
            role,
            pathGarbage: null,
            query: { cursor },
            body: {},
            ifMatch: null,
            idempotencyKey: null,
            form: false,
          };
          const res = await send(op, c);
          const problems = contract.check(op, res);
          if (res.status >= 500) problems.unshift(`answered ${res.status}`);
          if (problems.length > 0)
            failures.push(`as ${role}, cursor ${clip(cursor, 80)}: ${problems.join('; ')}`);
        }
      }
      expect(failures).toEqual([]);
    },
  );

  // The statuses each operation answered: the runs must get past validation and scope somewhere.
  const statuses = new Map<string, number[]>();

  describe.each(
    operations.map((op) => [`${op.method.toUpperCase()} ${op.path} (${op.operationId})`, op]),
  )('%s', (_name, op) => {
    it('should never answer 5xx, change nothing on 4xx, and answer as documented', async () => {
      const ids: FuzzIds = {
        uuids: [
          world.clientId,
          world.goalId,
          world.draftNoteId,
          world.org.peerA1.id,
          world.org.peerA2.id,
          world.org.teamA,
          world.recipientApiClientId,
        ],
      };
      const details = await fc.check(
        fc.asyncProperty(caseArbitrary(op, ids), async (c) => {
          const before = await snapshot.take();
          const res = await send(op, c);
          statuses.set(op.operationId, [...(statuses.get(op.operationId) ?? []), res.status]);
          const problems = contract.check(op, res);
          if (res.status >= 500) problems.unshift(`answered ${res.status}`);
          if (res.status >= 400 && res.status < 500) {
            const changed = TableSnapshot.changed(before, await snapshot.take());
            if (changed.length > 0) problems.push(`answered ${res.status} but changed ${changed}`);
          }
          if (problems.length > 0) {
            throw new Error(`as ${c.role}: ${problems.join('; ')}\nresponse: ${clip(res.text)}`);
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      if (details.failed) {
        const cause = details.errorInstance instanceof Error ? details.errorInstance.message : '';
        throw new Error(
          `${op.method.toUpperCase()} ${op.path} failed (FUZZ_SEED=${details.seed}, path ${details.counterexamplePath}):\n` +
            `${cause}\ncase: ${clip(JSON.stringify(details.counterexample?.[0]))}`,
        );
      }
    });
  });

  it('should have reached a 2xx answer on most operations', () => {
    const reached = operations.filter((op) => statuses.get(op.operationId)?.some((s) => s < 300));
    const summary = Object.fromEntries(
      [...statuses].map(([id, list]) => [id, [...new Set(list)].sort().join(',')]),
    );
    // FUZZ_SUMMARY=<file>: where each operation's statuses are written, to judge the coverage.
    if (process.env.FUZZ_SUMMARY)
      writeFileSync(process.env.FUZZ_SUMMARY, JSON.stringify(summary, null, 1));
    expect({ reached: reached.length >= operations.length * 0.6, summary }).toEqual({
      reached: true,
      summary,
    });
  });
});
