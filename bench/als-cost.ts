import { AsyncLocalStorage } from 'node:async_hooks';
import { execFileSync } from 'node:child_process';

/**
 * `npm run bench:als [-- /path/to/other/node ...]`: what one AsyncLocalStorage in use costs every
 * promise, on this Node and on any other binaries named. A "request" here is a chain of 200
 * awaited promises (a note write settles a few hundred); each variant runs in a fresh process and
 * is measured in CPU time (user + system), so other load on the machine matters less than for
 * wall time. Variants: no ALS at all; every request inside `als.run` (what the API did before
 * 2026-12-03, for its correlation id). Prints CPU µs per request and the ratio.
 */
const REQUESTS = 20_000;
const AWAITS = 200;
const ROUNDS = 5;

async function request(): Promise<number> {
  let n = 0;
  for (let i = 0; i < AWAITS; i++) n += await Promise.resolve(i);
  return n;
}

async function child(variant: 'plain' | 'als'): Promise<void> {
  const als = new AsyncLocalStorage<{ correlationId: string }>();
  const run = variant === 'als' ? () => als.run({ correlationId: 'x' }, request) : request;
  for (let i = 0; i < 2_000; i++) await run(); // warm-up
  const start = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) await run();
  const used = process.cpuUsage(start);
  process.stdout.write(String((used.user + used.system) / REQUESTS));
}

function measure(node: string, variant: string): number {
  const out = execFileSync(node, [__filename, '--child', variant]).toString();
  return Number(out);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  const nodes = [process.execPath, ...process.argv.slice(2)];
  console.log(
    `ALS cost: ${REQUESTS} requests of ${AWAITS} awaits, ${ROUNDS} rounds, CPU µs per request (median)`,
  );
  for (const node of nodes) {
    const version = execFileSync(node, ['--version']).toString().trim();
    const plain: number[] = [];
    const als: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      plain.push(measure(node, 'plain'));
      als.push(measure(node, 'als'));
    }
    const p = median(plain);
    const a = median(als);
    console.log(
      `${version}: no ALS ${p.toFixed(1)} µs, inside als.run ${a.toFixed(1)} µs: x${(a / p).toFixed(2)}`,
    );
  }
}

if (process.argv[2] === '--child') void child(process.argv[3] as 'plain' | 'als');
else main();
