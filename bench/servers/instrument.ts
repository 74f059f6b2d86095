import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { Client } from 'pg';

/**
 * Installed in every bench child before anything else: counts SQL statements (by their first
 * words, so the harness can show what one request costs in round trips) and samples event-loop
 * delay at 1 ms resolution. Answers the parent's { type: 'stats' } messages over IPC.
 */
const byStatement = new Map<string, number>();
let total = 0;

type Query = (...args: unknown[]) => unknown;
const proto = Client.prototype as unknown as { query: Query };
const original = proto.query;
proto.query = function (this: Client, ...args: unknown[]): unknown {
  const first = args[0];
  const text = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text;
  if (text) {
    total += 1;
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 80);
    byStatement.set(key, (byStatement.get(key) ?? 0) + 1);
  }
  return original.apply(this, args);
};

const RESOLUTION_MS = 1;
const eld = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
eld.enable();

const ms = (ns: number): number => Math.max(0, ns / 1e6 - RESOLUTION_MS);

/**
 * With BENCH_CPU_PROF=<dir> (`--cpu-prof`), the child profiles itself from ready() until the
 * parent asks for the profile ({ type: 'profile' }) before stopping it. `--cpu-prof` of node would
 * write nothing here: the service dies of its SIGTERM, it does not exit.
 */
const profileDir = process.env.BENCH_CPU_PROF;
let profiler: Session | undefined;

function writeProfile(): void {
  const session = profiler;
  if (!session || !profileDir) return;
  session.post('Profiler.stop', (err, result) => {
    const file = join(
      profileDir,
      `${process.env.BENCH_CHILD ?? 'child'}-${process.pid}.cpuprofile`,
    );
    if (!err) writeFileSync(file, JSON.stringify(result.profile));
    process.send?.({ type: 'profiled', file: err ? null : file });
  });
}

process.on('message', (m: { type?: string; reset?: boolean }) => {
  if (m?.type === 'profile') return writeProfile();
  if (m?.type !== 'stats') return;
  process.send?.({
    type: 'stats',
    sql: { total, byStatement: Object.fromEntries(byStatement) },
    eventLoop: { p50Ms: ms(eld.percentile(50)), p99Ms: ms(eld.percentile(99)), maxMs: ms(eld.max) },
    ...memory(),
  });
  if (m.reset) {
    total = 0;
    byStatement.clear();
    eld.reset();
  }
});

function memory(): { rssMb: number; heapUsedMb: number; heapTotalMb: number } {
  const m = process.memoryUsage();
  const mb = (bytes: number): number => bytes / 1024 / 1024;
  return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal) };
}

export function ready(): void {
  if (profileDir) {
    profiler = new Session();
    profiler.connect();
    profiler.post('Profiler.enable');
    profiler.post('Profiler.setSamplingInterval', { interval: 200 });
    profiler.post('Profiler.start');
  }
  process.send?.({ type: 'ready' });
}

export function failed(err: unknown): never {
  console.error(err);
  process.send?.({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}
