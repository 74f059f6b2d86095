import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';

/** Everything the harness is configured by. Override with BENCH_* variables. */
export interface BenchOptions {
  quick: boolean;
  notes: number;
  rounds: number;
  /** Measured seconds per side per round. */
  seconds: number;
  warmupSeconds: number;
  connections: number;
  memorySeconds: number;
  only?: string[];
}

export function parseOptions(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const num = (name: string, fallback: number): number => {
    const arg = argv.find((a) => a.startsWith(`--${name}=`));
    const value = arg
      ? Number(arg.split('=')[1])
      : Number(process.env[`BENCH_${name.toUpperCase()}`] ?? NaN);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return {
    quick,
    notes: num('notes', quick ? 100_000 : 1_000_000),
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

/** The bench has its own database, Redis index and ports (3100-3199), never the dev or test ones. */
export const BENCH = {
  /** What the children use: a fresh copy of the seeded database at every run. */
  databaseUrl,
  /**
   * Seeded once for each size (migrated, filled, vacuumed), then only copied: every run starts
   * from it. `recovery_bridge_bench_seed_100000` for the quick mode, `..._1000000` for the full.
   */
  seedDatabaseUrl: (notes: number): string =>
    databaseUrl.replace(/(\/[^/?]+)(\?|$)/, `$1_seed_${notes}$2`),
  redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/6',
  queuePrefix: 'rbbench',
  // BENCH_SERVICE_PORT / BENCH_BASELINE_PORT: for runs side by side on one machine.
  servicePort: Number(process.env.BENCH_SERVICE_PORT ?? 3101),
  baselinePort: Number(process.env.BENCH_BASELINE_PORT ?? 3102),
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
