import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import Redis from 'ioredis';

import { API_NODE_FLAGS } from '../src/config/runtime';
import { BENCH, childEnv, parseOptions, runInSeed } from './lib/config';
import { notMeasured, ScenarioResult } from './lib/compare';
import { Child } from './lib/proc';
import { cloneSeeded, seedDataset, settle, withAdmin } from './lib/seed';
import { BenchContext, Scenario, Tokens } from './scenarios/context';
import { memoryScenario } from './scenarios/memory';
import { SCENARIOS } from './scenarios';

/**
 * `npm run bench [-- --quick]`: seeds the bench database, starts the built service and the raw
 * baselines as child processes, runs every scenario against its baseline, writes
 * bench/results/latest.json and prints a table. Never part of `npm test`.
 */
/** The sustained-load mix: reads and note writes (discharges would pile up jobs). */
const MEMORY_MIX = ['S1', 'S2', 'S3', 'S6'];

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const started = Date.now();
  console.log(
    `recovery-bridge bench (${opts.size}): ${opts.notes.toLocaleString()} notes in the bench organization, ` +
      `${opts.rounds} rounds x ${opts.seconds} s per side, ${opts.connections} connections`,
  );

  // The database (created and migrated like a fresh install) and Redis index are the bench's own.
  // The seed database is created and migrated like a fresh install, then copied for the run.
  process.env.DATABASE_URL = BENCH.seedDatabaseUrl(opts.seed);
  process.env.REDIS_URL = BENCH.redisUrl;
  process.env.JWT_SECRET = BENCH.jwtSecret;
  if (process.argv.includes('--reset')) await dropBenchDatabase(opts.seed);
  if (process.argv.includes('--cpu-prof')) {
    // Diagnosis, not measurement: every child profiles itself, which costs it some throughput.
    process.env.BENCH_CPU_PROF = join(process.cwd(), 'bench', 'results', 'profiles');
    mkdirSync(process.env.BENCH_CPU_PROF, { recursive: true });
  }
  const { setupDatabase } = await import('../src/scripts/db-setup');
  await setupDatabase();
  const redis = new Redis(BENCH.redisUrl);
  await redis.flushdb();
  redis.disconnect();
  const data = await seedDataset(opts);
  if (opts.size === 'state') runInSeed(opts.seed);
  else await cloneSeeded(opts.seed);
  process.env.DATABASE_URL = BENCH.databaseUrl;

  const children: Child[] = [];
  process.on('exit', () => children.forEach((c) => c.proc.kill('SIGKILL')));
  // The API runs with the flags it is deployed with (the heap cap).
  const service = await Child.start(
    'service',
    'service.js',
    childEnv({ PORT: String(BENCH.servicePort) }),
    API_NODE_FLAGS,
  );
  children.push(service);
  const baseline = await Child.start(
    'baseline',
    'baseline.js',
    childEnv({ PORT: String(BENCH.baselinePort) }),
  );
  children.push(baseline);

  const tokens = new Tokens(BENCH.servicePort, [...data.specialists, ...data.supervisors]);
  const ctx: BenchContext = {
    opts,
    data,
    service: { label: 'service', port: BENCH.servicePort, child: service },
    baseline: { label: 'baseline', port: BENCH.baselinePort, child: baseline },
    token: (u) => tokens.get(u),
    refreshTokens: () => tokens.refresh(),
  };
  await ctx.refreshTokens();

  const all: Scenario[] = [
    ...SCENARIOS,
    memoryScenario(SCENARIOS.filter((s) => MEMORY_MIX.includes(s.name.split(' ')[0]))),
  ];
  const results: ScenarioResult[] = [];
  for (const scenario of all) {
    const key = scenario.name.split(/[ :]/)[0].toUpperCase();
    if (opts.only && !opts.only.includes(key)) continue;
    console.log(`\n${scenario.name} (target ${scenario.target})`);
    const why = await scenario.unavailable(ctx);
    if (why) {
      console.log(`  not measured: ${why}`);
      results.push(notMeasured(scenario.name, scenario.target, why));
      continue;
    }
    try {
      await settle();
      results.push(await scenario.run(ctx));
    } catch (err) {
      console.log(`  failed: ${(err as Error).stack}`);
      results.push(
        notMeasured(scenario.name, scenario.target, `failed: ${(err as Error).message}`),
      );
    }
  }

  for (const c of children) await c.stop();
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'latest.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(
    `\n${table(results)}\n\nwrote ${file} in ${Math.round((Date.now() - started) / 1000)} s`,
  );
}

/** --reset: seed again from an empty database (after a migration changed under it). */
async function dropBenchDatabase(seed: string): Promise<void> {
  for (const url of [BENCH.databaseUrl, BENCH.seedDatabaseUrl(seed)]) {
    await withAdmin(url, async (db, name) => {
      await db.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      console.log(`dropped ${name}`);
    });
  }
}

function table(results: ScenarioResult[]): string {
  const rows = [
    [
      'scenario',
      'ratio',
      'target',
      'p50 ms',
      'p99 ms',
      'req/s',
      'baseline req/s',
      'cpu ms/req',
      'sql/req',
      'pass',
    ],
    ...results.map((r) => [
      r.scenario,
      r.ratio === null ? '-' : r.ratio.toFixed(3),
      r.target,
      fmt(r.p50Ms),
      fmt(r.p99Ms),
      fmt(r.rps),
      fmt(r.baselineRps),
      r.cpuMsPerRequest == null ? '-' : `${r.cpuMsPerRequest} / ${r.baselineCpuMsPerRequest}`,
      fmt(r.sqlPerRequest ?? null),
      r.measured ? (r.pass ? 'yes' : 'NO') : 'not measured',
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    line(rows[0]),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

const fmt = (v: number | null): string =>
  v === null || v === undefined || Number.isNaN(v) ? '-' : String(v);

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
