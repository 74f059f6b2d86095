import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';

import { WORKER_NODE_FLAGS } from '../../src/config/runtime';

/**
 * quick: 100,000 notes; full: 1,000,000; state (issue 17): the full mode's organization among 49
 * more, 10,000,000 notes and 100,000,000 audit events in all (bench/lib/seed-state.ts).
 */
export type BenchSize = 'quick' | 'full' | 'state';

/** Everything the harness is configured by. Override with BENCH_* variables. */
export interface BenchOptions {
  size: BenchSize;
  quick: boolean;
  /** Notes of the bench organization. */
  notes: number;
  /** The seed database's suffix: the notes, or `state`. */
  seed: string;
  rounds: number;
  /** Measured seconds per side per round. */
  seconds: number;
  warmupSeconds: number;
  connections: number;
  memorySeconds: number;
  only?: string[];
}

export function parseOptions(argv: string[]): BenchOptions {
  const arg = (name: string): string | undefined =>
    argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const size: BenchSize = argv.includes('--quick')
    ? 'quick'
    : ((arg('size') as BenchSize | undefined) ?? 'full');
  if (!['quick', 'full', 'state'].includes(size)) throw new Error(`unknown --size=${size}`);
  const quick = size === 'quick';
  // At the state size only what issue 17 measures there: the note write, the caseloads, the export.
  const only = arg('only') ?? (size === 'state' ? 'S1,S2,S3,S8' : undefined);
  const num = (name: string, fallback: number): number => {
    const arg = argv.find((a) => a.startsWith(`--${name}=`));
    const value = arg
      ? Number(arg.split('=')[1])
      : Number(process.env[`BENCH_${name.toUpperCase()}`] ?? NaN);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  const notes = num('notes', quick ? 100_000 : 1_000_000);
  return {
    size,
    quick,
    notes,
    seed: size === 'state' ? 'state' : String(notes),
    rounds: num('rounds', quick ? 3 : 5),
    seconds: num('seconds', quick ? 5 : 10),
    warmupSeconds: num('warmup', 2),
    connections: num('connections', 50),
    memorySeconds: num('memory', quick ? 60 : 300),
    only: only ? only.split(',').map((s) => s.trim().toUpperCase()) : undefined,
  };
}

const user = process.env.PGUSER ?? userInfo().username;
const databaseUrl =
  process.env.BENCH_DATABASE_URL ?? `postgres://${user}@127.0.0.1:5432/recovery_bridge_bench`;
const seedDatabaseUrl = (seed: string): string =>
  databaseUrl.replace(/(\/[^/?]+)(\?|$)/, `$1_seed_${seed}$2`);
let runDatabaseUrl = databaseUrl;

/**
 * The state-size seed (some 60 GB) is not copied for the run: the run works in it. Its writes
 * (S1's notes, S8's events) are a rounding error there, and VACUUM between scenarios clears them.
 */
export function runInSeed(seed: string): void {
  runDatabaseUrl = seedDatabaseUrl(seed);
}

/** The bench has its own database, Redis index and ports (3100-3199), never the dev or test ones. */
export const BENCH = {
  /** What the children use: a fresh copy of the seeded database at every run (see runInSeed). */
  get databaseUrl(): string {
    return runDatabaseUrl;
  },
  /**
   * Seeded once for each size (migrated, filled, vacuumed), then only copied: every run starts
   * from it. `recovery_bridge_bench_seed_100000` for the quick mode, `..._1000000` for the full,
   * `..._state` for the state size.
   */
  seedDatabaseUrl,
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/6',
  queuePrefix: 'rbbench',
  // BENCH_PORT_BASE lets two benches run side by side (service at +1, baseline at +2).
  servicePort: Number(process.env.BENCH_PORT_BASE ?? 3100) + 1,
  baselinePort: Number(process.env.BENCH_PORT_BASE ?? 3100) + 2,
  password: 'Bench-Password-2026!',
  /** Fixed for the run so that tokens minted by the service verify in the baseline. */
  jwtSecret: process.env.BENCH_JWT_SECRET ?? randomBytes(48).toString('base64'),
  poolSize: 10,
} as const;

/** Environment of every child (service, worker, baselines). */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PGUSER: user,
    NODE_ENV: 'production',
    DATABASE_URL: BENCH.databaseUrl,
    DATABASE_POOL_SIZE: String(BENCH.poolSize),
    REDIS_URL: BENCH.redisUrl,
    QUEUE_PREFIX: BENCH.queuePrefix,
    JWT_SECRET: BENCH.jwtSecret,
    LOG_LEVEL: 'warn',
    // A benchmark logs in thousands of times from one address: lift the per-IP limit only.
    LOGIN_IP_MAX_PER_MINUTE: '100000000',
    ...(process.env.BENCH_CPU_PROF ? { BENCH_CPU_PROF: process.env.BENCH_CPU_PROF } : {}),
    ...(process.env.BENCH_ALS ? { BENCH_ALS: process.env.BENCH_ALS } : {}),
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    ...extra,
  };
}

/**
 * The V8 flags of the service's worker in S5 and S10: the deployed ones (WORKER_NODE_FLAGS), or
 * BENCH_WORKER_FLAGS (space-separated; `none` for none) to compare others.
 */
export function workerFlags(): string[] {
  const override = process.env.BENCH_WORKER_FLAGS;
  if (override === undefined) return WORKER_NODE_FLAGS;
  return override === 'none' ? [] : override.split(/\s+/).filter(Boolean);
}
