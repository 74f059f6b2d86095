import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';

// `npm start` (src/scripts/start.ts, issue 12 point 7): checks Postgres and Redis before starting
// anything, and keeps the API and the worker up as a pair.
async function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const children = new Set<ChildProcess>();

function startScript(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'src/scripts/start.ts'],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? signal);
    }),
  );
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The pids and command lines of a process's children. */
function childrenOf(pid: number): { pid: number; args: string }[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)]).toString();
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [p, ...args] = l.trim().split(/\s+/);
      return { pid: Number(p), args: args.join(' ') };
    });
}

describe('npm start: dependencies first, then the API and the worker as a pair', () => {
  afterEach(() => {
    for (const child of children) child.kill('SIGTERM');
  });

  it('should name each unreachable service, its address (never the password) and how to start it, and start nothing', async () => {
    const [pgPort, redisPort] = [await unusedPort(), await unusedPort()];
    const run = startScript({
      DATABASE_URL: `postgres://rb:pg-Secret-123@127.0.0.1:${pgPort}/recovery_bridge_x`,
      REDIS_URL: `redis://:redis-Secret-456@127.0.0.1:${redisPort}/7`,
    });
    expect(await run.exited).toBe(1);
    const output = run.stdout() + run.stderr();
    expect(run.stderr()).toContain(
      `PostgreSQL is not reachable at 127.0.0.1:${pgPort} (DATABASE_URL): ECONNREFUSED. To fix: start PostgreSQL (for instance \`sudo systemctl start postgresql\`, or \`docker run -d --name rb-postgres -p 5432:5432`,
    );
    expect(run.stderr()).toContain(
      `Redis is not reachable at 127.0.0.1:${redisPort} (REDIS_URL): ECONNREFUSED. To fix: start Redis (for instance \`sudo systemctl start redis-server\`, or \`docker run -d --name rb-redis -p 6379:6379 redis:7 redis-server --maxmemory-policy noeviction\`)`,
    );
    expect(output).not.toContain('pg-Secret-123');
    expect(output).not.toContain('redis-Secret-456');
    expect(output).not.toContain('migration applied');
    expect(output).not.toContain('demo data');
    expect(output).not.toContain('API on');
  }, 60_000);

  it('should name only Redis when only Redis is down', async () => {
    const redisPort = await unusedPort();
    const run = startScript({ REDIS_URL: `redis://127.0.0.1:${redisPort}/7` });
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain(`Redis is not reachable at 127.0.0.1:${redisPort} (REDIS_URL)`);
    expect(run.stderr()).not.toContain('PostgreSQL is not reachable');
    expect(run.stdout()).not.toContain('API on');
  }, 60_000);

  it('should stop the API and exit non-zero when the worker dies', async () => {
    const port = await unusedPort();
    const run = startScript({ PORT: String(port) });
    await until(async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).ok, 60_000);
    const forked = childrenOf(run.child.pid!);
    const worker = forked.find((c) => c.args.includes('src/worker.ts'));
    const api = forked.find((c) => c.args.includes('src/main.ts'));
    expect(worker).toBeDefined();
    expect(api).toBeDefined();
    process.kill(worker!.pid, 'SIGKILL');
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain('worker exited (SIGKILL); stopping the other process');
    // The API went down with it.
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    expect(() => process.kill(api!.pid, 0)).toThrow();
  }, 120_000);
});
