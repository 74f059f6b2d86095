import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { clientScope } from '../../src/auth/access/scope.sql';
import { Role } from '../../src/auth/permissions';
import {
  ENGAGEMENT,
  RECOVERY_CAPITAL,
  REFERRALS,
  RETENTION,
} from '../../src/modules/reports/outcome-reports.queries';
import { ScenarioResult } from '../lib/compare';
import { BENCH } from '../lib/config';
import { request } from '../lib/load';
import { withDb } from '../lib/seed';
import {
  OUTCOMES_ADMIN,
  OUTCOMES_CLIENTS,
  OUTCOMES_NOTES,
  OUTCOMES_ORG_ID,
  OUTCOMES_SUPERVISOR,
} from '../lib/seed-outcomes';
import { BenchContext, bearer, Scenario } from './context';

const REPORTS = {
  engagement: ENGAGEMENT,
  'recovery-capital': RECOVERY_CAPITAL,
  referrals: REFERRALS,
  retention: RETENTION,
};
const RUNS = 5;
const LIMIT_MS = 1000;

const day = (daysAgo: number): string =>
  new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

async function login(ctx: BenchContext, email: string): Promise<string> {
  const res = await request(ctx.service.port, {
    method: 'POST',
    path: '/api/v1/auth/login',
    body: { email, password: BENCH.password },
  });
  const token = (res.body as { accessToken?: string }).accessToken;
  if (res.status !== 200 || !token) throw new Error(`login of ${email} failed: ${res.status}`);
  return token;
}

/** `:name` parameters to `$n` (casts `::type` left alone), as TypeORM does for the service. */
function positional(
  sql: string,
  params: Record<string, unknown>,
): { text: string; values: unknown[] } {
  const names: string[] = [];
  const text = sql.replace(/(?<!:):([A-Za-z_]\w*)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`no parameter ${name}`);
    if (!names.includes(name)) names.push(name);
    return `$${names.indexOf(name) + 1}`;
  });
  return { text, values: names.map((n) => params[n]) };
}

/** EXPLAIN (ANALYZE, BUFFERS) of each report as the organization's admin over the last year. */
async function explainAll(from: string, to: string): Promise<string> {
  const scope = clientScope({
    kind: 'user',
    id: '00000000-0000-4000-8000-000000000000',
    organizationId: OUTCOMES_ORG_ID,
    role: Role.Admin,
  } as never);
  const out: string[] = [];
  await withDb(async (db) => {
    // As the service runs them: its role has no JIT in this database (migration 1764000013710),
    // and the reports' work_mem (outcome-reports.service.ts).
    await db.query('SET jit = off');
    await db.query(`SET work_mem = '64MB'`);
    for (const [name, sql] of Object.entries(REPORTS)) {
      const q = positional(sql(scope.sql), { ...scope.params, from, to });
      const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.text}`, q.values);
      out.push(
        `-- ${name} (admin, ${from} .. ${to})`,
        ...rows.map((r) => r['QUERY PLAN'] as string),
        '',
      );
    }
  });
  return out.join('\n');
}

/**
 * S9: the outcome reports (issue 16) at 100,000 clients and 1,000,000 notes, each under 1 s: every
 * report, as the organization's admin (100,000 clients) and as a supervisor (a tenth), over the
 * last quarter and the last year, five times each in a row; the slowest answer is what counts.
 */
export const s9OutcomeReports: Scenario = {
  name: 'S9 outcome reports',
  target: 'every report < 1 s (slowest of 5) at 100,000 clients, 1,000,000 notes',
  async unavailable(ctx) {
    const token = await login(ctx, OUTCOMES_ADMIN).catch((e: Error) => e);
    if (token instanceof Error) return token.message;
    const res = await request(ctx.service.port, {
      method: 'GET',
      path: `/api/v1/reports/engagement?from=${day(90)}&to=${day(0)}`,
      headers: bearer(token),
    });
    return res.status === 200 ? undefined : `engagement report answered ${res.status}`;
  },
  async run(ctx) {
    const tokens = {
      admin: await login(ctx, OUTCOMES_ADMIN),
      supervisor: await login(ctx, OUTCOMES_SUPERVISOR),
    };
    const periods = { quarter: [day(90), day(0)], year: [day(365), day(0)] };
    const notes: string[] = [
      `${OUTCOMES_CLIENTS.toLocaleString()} clients, ${OUTCOMES_NOTES.toLocaleString()} notes in the reports' organization; ms per answer (slowest of ${RUNS}, p50)`,
    ];
    const all: number[] = [];
    for (const report of Object.keys(REPORTS)) {
      for (const [who, token] of Object.entries(tokens)) {
        for (const [label, [from, to]] of Object.entries(periods)) {
          const times: number[] = [];
          for (let i = 0; i < RUNS; i++) {
            const t0 = performance.now();
            const res = await request(ctx.service.port, {
              method: 'GET',
              path: `/api/v1/reports/${report}?from=${from}&to=${to}`,
              headers: bearer(token),
            });
            // A failed answer (a statement timeout is a 500) counts as too slow, not as a crash.
            times.push(res.status === 200 ? performance.now() - t0 : Number.POSITIVE_INFINITY);
          }
          times.sort((a, b) => a - b);
          all.push(...times);
          notes.push(
            `${report} ${who} ${label}: max ${Math.round(times[RUNS - 1])}, p50 ${Math.round(times[Math.floor(RUNS / 2)])}`,
          );
        }
      }
    }
    const explain = await explainAll(periods.year[0], periods.year[1]);
    const dir = join(process.cwd(), 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 's9-explain.txt'), `${explain}\n`);
    notes.push('EXPLAIN (ANALYZE, BUFFERS): bench/results/s9-explain.txt');
    all.sort((a, b) => a - b);
    const max = all[all.length - 1];
    const result: ScenarioResult = {
      scenario: this.name,
      ratio: null,
      target: this.target,
      p50Ms: Math.round(all[Math.floor(all.length / 2)]),
      p99Ms: Math.round(max),
      rps: null,
      baselineRps: null,
      pass: max < LIMIT_MS,
      measured: true,
      notes,
    };
    notes.forEach((n) => console.log(`  ${n}`));
    return result;
  },
};
