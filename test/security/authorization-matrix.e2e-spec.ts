import request, { Response } from 'supertest';

import { registeredRoutes } from '../../src/bootstrap/http-setup';
import {
  buildWorld,
  Home,
  Principal,
  PrincipalName,
  Relation,
  RELATIONS,
  World,
} from '../helpers/authorization-fixtures';
import { fixtureRows, RowSnapshot } from '../helpers/fixture-rows';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { Expect, MATRIX, MatrixRow, QUEUE_DASHBOARD } from './authorization-matrix';
import { Call, dashboardCall, REQUESTS, RouteRequest } from './authorization-matrix.requests';

/** One cell of the matrix: a route, a principal, a record relation (or none), the status SPEC requires. */
interface Cell {
  route: string;
  method: string;
  principal: Principal;
  relation: Relation | 'crossed' | null;
  expected: number;
  request: RouteRequest;
}

interface Outcome {
  cell: Cell;
  status: number;
  code?: string;
  problems: string[];
  /** The body without its correlation id (404s must not tell out-of-scope from missing). */
  body: string;
}

const CONCURRENCY = 6;
const ROLE_CHANGED = new Set<PrincipalName>(['demotedSupervisor', 'promotedPeer']);

const COLUMN: Record<string, keyof MatrixRow> = {
  admin: 'admin',
  otherOrgAdmin: 'admin',
  supervisor: 'supervisor',
  otherTeamSupervisor: 'supervisor',
  otherOrgSupervisor: 'supervisor',
  peer: 'peer',
  otherTeamPeer: 'peer',
  coveringPeer: 'coveringPeer',
  anonymous: 'anonymous',
  deactivated: 'deactivated',
  demotedSupervisor: 'demotedSupervisor',
  promotedPeer: 'promotedPeer',
};

function expectationOf(row: MatrixRow, name: PrincipalName): Expect {
  if (name.startsWith('apiClient:')) {
    const api = row.apiClient as Expect | Record<string, Expect>;
    if (typeof api === 'number' || 'own' in api) return api as Expect;
    return (api as Record<string, Expect>)[name.slice('apiClient:'.length)];
  }
  return row[COLUMN[name]] as Expect;
}

const isByRelation = (e: Expect): e is Record<Relation, number> =>
  typeof e === 'object' && RELATIONS.every((r) => typeof e[r] === 'number');

/** The routes the server serves (Nest controllers and Fastify plugins alike), HEAD aside. */
function servedRoutes(t: TestApp): { method: string; url: string }[] {
  const seen = new Set<string>();
  return registeredRoutes(t.app).filter((r) => {
    const key = `${r.method} ${r.url}`;
    if (r.method === 'HEAD' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

const PROBLEM_TYPE = /^https:\/\/recovery-bridge\.example\/problems\/[a-z0-9-]+$/;

/** Every error is RFC 9457 problem+json with the request's correlation id (SPEC 1). */
function problemDefects(res: Response): string[] {
  const defects: string[] = [];
  if (!String(res.headers['content-type'] ?? '').startsWith('application/problem+json'))
    defects.push(`content-type ${res.headers['content-type']}`);
  const b = res.body ?? {};
  if (b.status !== res.status) defects.push(`body.status ${b.status}`);
  if (typeof b.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(b.code))
    defects.push(`code ${b.code}`);
  if (typeof b.type !== 'string' || !PROBLEM_TYPE.test(b.type)) defects.push(`type ${b.type}`);
  if (typeof b.title !== 'string' || typeof b.detail !== 'string') defects.push('title/detail');
  if (b.correlationId !== res.headers['x-correlation-id']) defects.push('correlationId');
  return defects;
}

/** The FHIR facade's errors are FHIR OperationOutcome instead (SPEC 8), with the correlation id header. */
function outcomeDefects(res: Response): string[] {
  const defects: string[] = [];
  if (!String(res.headers['content-type'] ?? '').startsWith('application/fhir+json'))
    defects.push(`content-type ${res.headers['content-type']}`);
  const b = res.body ?? {};
  if (b.resourceType !== 'OperationOutcome') defects.push(`resourceType ${b.resourceType}`);
  const issues = Array.isArray(b.issue) ? (b.issue as { code?: unknown }[]) : [];
  if (issues.length === 0 || issues.some((i) => typeof i.code !== 'string'))
    defects.push('issue.code');
  if (typeof res.headers['x-correlation-id'] !== 'string') defects.push('correlationId');
  return defects;
}

describe('authorization matrix (security review, issue 11)', () => {
  let t: TestApp;
  let world: World;
  let cells: Cell[];
  const unlisted: string[] = [];
  const stale: string[] = [];
  const malformed: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    world = await buildWorld(t.app);
    // The deactivation and the role changes must be seen by every process within the
    // session-check window (SESSION_CHECK_TTL_MS, 300 ms in tests): wait it out.
    await new Promise((resolve) => setTimeout(resolve, 400));
    cells = buildCells(t, world);
  }, 60_000);
  afterAll(() => t.close());

  function buildCells(app: TestApp, w: World): Cell[] {
    const rows = new Map(MATRIX.map((r) => [r.route, r]));
    const served = servedRoutes(app);
    const servedKeys = new Set(served.map((r) => `${r.method} ${r.url}`));
    for (const r of MATRIX) if (!servedKeys.has(r.route)) stale.push(r.route);
    const out: Cell[] = [];
    for (const { method, url } of served) {
      const route = `${method} ${url}`;
      const dashboard = url.startsWith(QUEUE_DASHBOARD.prefix);
      const row: MatrixRow | undefined = dashboard
        ? { route, ...QUEUE_DASHBOARD.row(method, url) }
        : rows.get(route);
      const req: RouteRequest | undefined = dashboard
        ? { call: () => dashboardCall(url) }
        : REQUESTS[route];
      if (!row || !req) {
        unlisted.push(route);
        continue;
      }
      for (const principal of w.principals) {
        const expected = expectationOf(row, principal.name);
        const relations: Cell['relation'][] = req.record ? [...RELATIONS] : [null];
        if (req.cross) relations.push('crossed');
        if (!(typeof expected === 'number' || (req.record && isByRelation(expected))))
          malformed.push(`${route} ${principal.name}`);
        for (const relation of relations) {
          const status =
            typeof expected === 'number'
              ? expected
              : relation
                ? expected[relation === 'crossed' ? 'missing' : relation]
                : NaN;
          out.push({ route, method, principal, relation, expected: status, request: req });
        }
      }
    }
    return out;
  }

  async function targetOf(cell: Cell, fresh: boolean): Promise<Home> {
    const { principal, relation, request: req } = cell;
    let home = principal.homes[relation === 'crossed' || !relation ? 'own' : relation];
    if (relation === 'crossed') home = { ...home, ...req.cross!(principal.homes.otherTeam) };
    if (req.personal && relation === 'own')
      home = { ...home, notificationId: principal.notificationId };
    const ctx = { app: t.app, ds: t.dataSource, principal };
    if (fresh && req.fresh) home = { ...home, ...(await req.fresh(home, ctx)) };
    return home;
  }

  async function send(cell: Cell, call: Call): Promise<Response> {
    const verb = cell.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    let r = request(t.app.getHttpServer())[verb](call.path);
    if (cell.principal.token) r = r.auth(cell.principal.token, { type: 'bearer' });
    if (call.ifMatch) r = r.set('If-Match', call.ifMatch);
    for (const [k, v] of Object.entries(call.headers ?? {})) r = r.set(k, v);
    if (call.form) r = r.type('form');
    return call.body !== undefined && verb !== 'get' ? r.send(call.body) : r;
  }

  async function run(cell: Cell, fresh: boolean): Promise<Outcome> {
    const home = await targetOf(cell, fresh);
    const call = await cell.request.call(home, {
      app: t.app,
      ds: t.dataSource,
      principal: cell.principal,
    });
    const res = await send(cell, call);
    const defects = /^[A-Z]+ \/fhir\//.test(cell.route) ? outcomeDefects : problemDefects;
    const problems = res.status >= 400 ? defects(res) : [];
    const { correlationId: _, ...body } = (res.body ?? {}) as Record<string, unknown>;
    return { cell, status: res.status, code: res.body?.code, problems, body: JSON.stringify(body) };
  }

  const label = (c: Cell) =>
    `${c.route} | ${c.principal.name}${c.relation ? ` | ${c.relation}` : ''}`;

  /** SPEC 1: a record outside the caller's scope answers exactly as one that does not exist. */
  function tellsOutOfScope(outcomes: Outcome[]): string[] {
    const missing = new Map<string, Outcome>();
    const key = (o: Outcome) => `${o.cell.route} | ${o.cell.principal.name}`;
    for (const o of outcomes)
      if (o.cell.relation === 'missing' && o.status === 404) missing.set(key(o), o);
    return outcomes
      .filter(
        (o) =>
          o.status === 404 && ['teammate', 'otherTeam', 'otherOrg'].includes(o.cell.relation ?? ''),
      )
      .filter((o) => missing.has(key(o)) && missing.get(key(o))!.body !== o.body)
      .map((o) => `${label(o.cell)}: ${o.body} vs missing ${missing.get(key(o))!.body}`)
      .sort();
  }

  function report(outcomes: Outcome[]): {
    mismatches: string[];
    notProblemJson: string[];
    tellsOutOfScope: string[];
  } {
    const mismatches = outcomes
      .filter((o) => o.status !== o.cell.expected)
      .map(
        (o) =>
          `${label(o.cell)}: expected ${o.cell.expected}, got ${o.status}${o.code ? ` ${o.code}` : ''}`,
      )
      .sort();
    const notProblemJson = outcomes
      .filter((o) => o.problems.length > 0)
      .map((o) => `${label(o.cell)} (${o.status}): ${o.problems.join(', ')}`)
      .sort();
    return { mismatches, notProblemJson, tellsOutOfScope: tellsOutOfScope(outcomes) };
  }

  const isWriteSuccess = (c: Cell) => c.expected < 300 && c.method !== 'GET';

  it('should have one row for every route the app serves, and none for a route it does not', () => {
    expect(cells.length).toBeGreaterThan(3000);
    expect({ unlisted, stale, malformed }).toEqual({ unlisted: [], stale: [], malformed: [] });
  });

  /** Runs the cells in one batch; every one answered as the table says, in problem+json, and no row changed. */
  async function expectBatch(batch: Cell[], fresh: boolean): Promise<void> {
    const before = fresh ? undefined : await fixtureRows(t.dataSource, world.orgIds);
    const outcomes = await pool(batch, CONCURRENCY, (c) => run(c, fresh));
    const changedRows = before
      ? diffRows(before, await fixtureRows(t.dataSource, world.orgIds))
      : [];
    expect({ ...report(outcomes), changedRows }).toEqual({
      mismatches: [],
      notProblemJson: [],
      tellsOutOfScope: [],
      changedRows: [],
    });
  }

  it('should answer every denial, read and public call as the table says, in problem+json, changing no row', async () => {
    const batch = cells.filter((c) => !isWriteSuccess(c) && !ROLE_CHANGED.has(c.principal.name));
    expect(batch.length).toBeGreaterThan(3000);
    await expectBatch(batch, false);
    // Over 3,000 requests, each a few statements: about 90 s on a quiet two-core machine.
  }, 360_000);

  it('should let each permitted write through, each on a record of its own', async () => {
    const batch = cells.filter((c) => isWriteSuccess(c) && !ROLE_CHANGED.has(c.principal.name));
    expect(batch.length).toBeGreaterThan(100);
    await expectBatch(batch, true);
  }, 240_000);

  // A role change ends the user's sessions (the token carries the role): until it does, an old
  // token keeps the old role's powers (a demoted supervisor still reads the team's caseloads).
  // Last on purpose: while those tokens still work, their writes change the shared records.
  it("should refuse (401) every call with a token issued before the user's role changed, changing no row", async () => {
    const batch = cells.filter((c) => ROLE_CHANGED.has(c.principal.name));
    expect(batch.length).toBeGreaterThan(500);
    await expectBatch(batch, false);
  }, 120_000);
});

/** Rows added, removed or changed between two snapshots, as `table key: what`. */
function diffRows(before: RowSnapshot, after: RowSnapshot): string[] {
  const out: string[] = [];
  for (const [key, hash] of after) {
    if (!before.has(key)) out.push(`${key}: added`);
    else if (before.get(key) !== hash) out.push(`${key}: changed`);
  }
  for (const key of before.keys()) if (!after.has(key)) out.push(`${key}: removed`);
  return out.sort();
}
