import { ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a bench child reports over IPC (see servers/instrument.ts). */
export interface ChildStats {
  sql: { total: number; byStatement: Record<string, number> };
  eventLoop: { p50Ms: number; p99Ms: number; maxMs: number };
  rssMb: number;
  /** V8's heap: in use (live and not yet collected) and reserved. */
  heapUsedMb: number;
  heapTotalMb: number;
}

type Message =
  | { type: 'ready' }
  | { type: 'profiled'; file: string | null }
  | ({ type: 'stats' } & ChildStats)
  | { type: 'error'; message: string };

const CLK_TCK = 100; // Linux USER_HZ

/** A forked child of the harness: the service under test, a worker, or a baseline. */
export class Child {
  private readonly waiters: ((m: Message) => void)[] = [];
  private exitCode: number | null = null;
  stderr = '';

  private constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    proc.on('message', (m: Message) => {
      for (const w of this.waiters.splice(0)) w(m);
    });
    proc.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    proc.stdout?.on('data', () => undefined);
    proc.on('exit', (code) => {
      this.exitCode = code ?? -1;
      for (const w of this.waiters.splice(0))
        w({ type: 'error', message: `${name} exited (${code}): ${this.stderr}` });
    });
  }

  static async start(
    name: string,
    script: string,
    env: NodeJS.ProcessEnv,
    execArgv: string[] = [],
  ): Promise<Child> {
    const proc = fork(join(__dirname, '..', 'servers', script), [], {
      env: { ...env, BENCH_CHILD: name },
      execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const child = new Child(name, proc);
    const m = await child.next(60_000);
    if (m.type !== 'ready')
      throw new Error(`${name} did not start: ${m.type === 'error' ? m.message : m.type}`);
    return child;
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  private next(timeoutMs: number): Promise<Message> {
    if (this.exitCode !== null)
      return Promise.resolve({ type: 'error', message: `${this.name} has exited: ${this.stderr}` });
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => resolve({ type: 'error', message: `${this.name}: no answer in ${timeoutMs} ms` }),
        timeoutMs,
      );
      this.waiters.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  }

  /** Asks the child for its counters; reset starts new ones. */
  async stats(reset = false): Promise<ChildStats> {
    this.proc.send({ type: 'stats', reset });
    const m = await this.next(10_000);
    if (m.type !== 'stats') throw new Error(m.type === 'error' ? m.message : 'unexpected message');
    return m;
  }

  /** User + system CPU time of the child so far, in ms (from /proc/<pid>/stat). */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  }

  rssMb(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return kb / 1024;
  }

  async stop(): Promise<void> {
    if (this.exitCode !== null) return;
    if (process.env.BENCH_CPU_PROF) {
      this.proc.send({ type: 'profile' });
      const m = await this.next(30_000);
      if (m.type === 'profiled' && m.file) console.log(`  cpu profile of ${this.name}: ${m.file}`);
    }
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
