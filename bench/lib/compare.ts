import { BenchOptions } from './config';
import { BenchRequest, LoadResult, runLoad } from './load';
import { Child, ChildStats } from './proc';
import { median, percentile, round } from './stats';

/** One line of bench/results/latest.json. The first seven fields are the contract of the issue. */
export interface ScenarioResult {
  scenario: string;
  ratio: number | null;
  target: string;
  p50Ms: number | null;
  p99Ms: number | null;
  rps: number | null;
  baselineRps: number | null;
  baselineP50Ms?: number | null;
  baselineP99Ms?: number | null;
  cpuMsPerRequest?: number | null;
  baselineCpuMsPerRequest?: number | null;
  sqlPerRequest?: number | null;
  eventLoopP99Ms?: number | null;
  rounds?: number[];
  pass: boolean | null;
  measured: boolean;
  notes: string[];
}

export interface Side {
  label: string;
  port: number;
  child: Child;
}

export interface SideRun {
  load: LoadResult;
  cpuMs: number;
  stats: ChildStats;
}

export interface Comparison {
  service: SideRun[];
  baseline: SideRun[];
  ratios: number[];
}

/** One side under load: a warm-up, then the counted run (its CPU and SQL statements). */
export async function measure(
  side: Side,
  opts: BenchOptions,
  connections: number,
  request: (c: number, s: number) => BenchRequest,
  ok?: (s: number) => boolean,
): Promise<SideRun> {
  await runLoad({
    port: side.port,
    connections,
    durationMs: opts.warmupSeconds * 1000,
    request,
    ok,
  });
  await side.child.stats(true);
  const cpu0 = side.child.cpuMs();
  const load = await runLoad({
    port: side.port,
    connections,
    durationMs: opts.seconds * 1000,
    request,
    ok,
  });
  const cpuMs = side.child.cpuMs() - cpu0;
  const stats = await side.child.stats(false);
  if (load.errors > 0) {
    console.log(
      `    ! ${side.label}: ${load.errors}/${load.requests} failed, first: ${load.firstError}`,
    );
  }
  return { load, cpuMs, stats };
}

/**
 * Service and baseline, interleaved (the order alternates each round so neither always runs on a
 * warmer machine), each with a warm-up that is not counted. Ratio = median of per-round ratios.
 */
export async function compare(
  opts: BenchOptions,
  service: Side,
  baseline: Side,
  request: (conn: number, seq: number) => BenchRequest,
  connections = opts.connections,
  ok?: (status: number) => boolean,
): Promise<Comparison> {
  const result: Comparison = { service: [], baseline: [], ratios: [] };
  for (let r = 0; r < opts.rounds; r += 1) {
    const order = r % 2 === 0 ? [service, baseline] : [baseline, service];
    const runs = new Map<Side, SideRun>();
    for (const side of order) runs.set(side, await measure(side, opts, connections, request, ok));
    const s = runs.get(service) as SideRun;
    const b = runs.get(baseline) as SideRun;
    result.service.push(s);
    result.baseline.push(b);
    result.ratios.push(good(s.load) / good(b.load));
    console.log(
      `    round ${r + 1}: ${service.label} ${round(good(s.load), 0)} req/s p99 ${round(percentile(s.load.latenciesMs, 99), 1)} ms | ` +
        `${baseline.label} ${round(good(b.load), 0)} req/s p99 ${round(percentile(b.load.latenciesMs, 99), 1)} ms | ratio ${round(result.ratios[r], 3)}`,
    );
  }
  return result;
}

/** Successful responses per second. */
export function good(load: LoadResult): number {
  return ((load.requests - load.errors) * 1000) / load.elapsedMs;
}

export interface Summary {
  ratio: number;
  p50Ms: number;
  p99Ms: number;
  rps: number;
  baselineRps: number;
  baselineP50Ms: number;
  baselineP99Ms: number;
  cpuMsPerRequest: number;
  baselineCpuMsPerRequest: number;
  sqlPerRequest: number;
  eventLoopP99Ms: number;
  errors: number;
  topStatements: [string, number][];
}

/** Latency percentiles over every round's samples; throughput as the median round. */
export function summarize(c: Comparison): Summary {
  const lat = (runs: SideRun[]): number[] => runs.flatMap((r) => r.load.latenciesMs);
  const reqs = (runs: SideRun[]): number => runs.reduce((a, r) => a + r.load.requests, 0);
  const cpu = (runs: SideRun[]): number => runs.reduce((a, r) => a + r.cpuMs, 0);
  const sql = c.service.reduce((a, r) => a + r.stats.sql.total, 0);
  const statements = new Map<string, number>();
  for (const r of c.service) {
    for (const [k, v] of Object.entries(r.stats.sql.byStatement))
      statements.set(k, (statements.get(k) ?? 0) + v);
  }
  const n = reqs(c.service);
  return {
    ratio: round(median(c.ratios), 3),
    p50Ms: round(percentile(lat(c.service), 50)),
    p99Ms: round(percentile(lat(c.service), 99)),
    rps: round(median(c.service.map((r) => good(r.load))), 0),
    baselineRps: round(median(c.baseline.map((r) => good(r.load))), 0),
    baselineP50Ms: round(percentile(lat(c.baseline), 50)),
    baselineP99Ms: round(percentile(lat(c.baseline), 99)),
    cpuMsPerRequest: round(cpu(c.service) / n, 3),
    baselineCpuMsPerRequest: round(cpu(c.baseline) / reqs(c.baseline), 3),
    sqlPerRequest: round(sql / n, 2),
    eventLoopP99Ms: round(Math.max(...c.service.map((r) => r.stats.eventLoop.p99Ms))),
    errors:
      c.service.reduce((a, r) => a + r.load.errors, 0) +
      c.baseline.reduce((a, r) => a + r.load.errors, 0),
    topStatements: [...statements.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [k, round(v / n, 2)]),
  };
}

export function notMeasured(scenario: string, target: string, why: string): ScenarioResult {
  return {
    scenario,
    ratio: null,
    target,
    p50Ms: null,
    p99Ms: null,
    rps: null,
    baselineRps: null,
    pass: null,
    measured: false,
    notes: [why],
  };
}

export function fromSummary(
  scenario: string,
  target: string,
  s: Summary,
  ratios: number[],
  pass: boolean,
  notes: string[],
): ScenarioResult {
  const { topStatements, errors, ...rest } = s;
  const extra = [...notes];
  if (errors > 0) extra.push(`${errors} failed responses (not counted in req/s)`);
  extra.push(
    `SQL per request: ${topStatements
      .slice(0, 10)
      .map(([k, v]) => `${v} x "${k}"`)
      .join('; ')}`,
  );
  return {
    scenario,
    target,
    ...rest,
    rounds: ratios.map((r) => round(r, 3)),
    pass,
    measured: true,
    notes: extra,
  };
}
