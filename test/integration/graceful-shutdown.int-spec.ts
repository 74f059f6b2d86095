import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

async function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function start(entry: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

// Nest closes the app (HTTP server, queues, pools) and then re-raises the signal: a clean stop is
// exit code 0 or death by the SIGTERM it was sent, never another code.
function exitOf(child: ChildProcess): Promise<number | string | null> {
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('processes shut down gracefully on SIGTERM', () => {
  it('should stop the API cleanly after it served a request', async () => {
    const port = await unusedPort();
    const api = start('src/main.ts', { PORT: String(port) });
    const exited = exitOf(api);
    await until(async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).ok, 20_000);
    api.kill('SIGTERM');
    expect([0, 'SIGTERM']).toContain(await exited);
  });

  it('should stop the worker cleanly', async () => {
    const worker = start('src/worker.ts', {});
    let stderr = '';
    worker.stderr?.on('data', (d) => (stderr += d));
    const exited = exitOf(worker);
    await new Promise((r) => setTimeout(r, 5000)); // boot: connect to Postgres and Redis
    expect(worker.exitCode).toBeNull();
    worker.kill('SIGTERM');
    expect([0, 'SIGTERM']).toContain(await exited);
    expect(stderr).toBe('');
  });
});
