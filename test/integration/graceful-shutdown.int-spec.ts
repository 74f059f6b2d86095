import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

function stderrOf(child: ChildProcess): () => string {
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  return () => stderr;
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

  it('should report the worker healthy by its heartbeat, then stop it cleanly', async () => {
    const heartbeat = {
      WORKER_HEARTBEAT_FILE: join(tmpdir(), `rb-heartbeat-${process.pid}-${Date.now()}`),
      WORKER_HEARTBEAT_INTERVAL_MS: '300',
    };
    const healthcheck = () => exitOf(start('src/scripts/worker-health.ts', heartbeat));
    expect(await healthcheck()).toBe(1); // no worker yet
    const worker = start('src/worker.ts', heartbeat);
    const stderr = stderrOf(worker);
    const exited = exitOf(worker);
    try {
      // Written only once Postgres and Redis answered and every queue consumer runs.
      await until(async () => existsSync(heartbeat.WORKER_HEARTBEAT_FILE), 20_000);
      expect(await healthcheck()).toBe(0);
    } finally {
      worker.kill('SIGTERM');
    }
    expect([0, 'SIGTERM']).toContain(await exited);
    expect(stderr()).toBe('');
    expect(existsSync(heartbeat.WORKER_HEARTBEAT_FILE)).toBe(false);
    expect(await healthcheck()).toBe(1);
  });

  it.each([
    ['src/main.ts', { PORT: 'eighty' }, /PORT: /],
    [
      'src/worker.ts',
      { REDIS_URL: 'http://127.0.0.1:6379' },
      /REDIS_URL: must be a redis:\/\/ URL/,
    ],
    ['src/main.ts', { JWT_SECRET: 'short' }, /JWT_SECRET: must be base64 of at least 32 bytes/],
  ])(
    'should refuse to start %s on a bad variable, naming it, with exit 1',
    async (entry, env, message) => {
      const child = start(entry, env);
      const stderr = stderrOf(child);
      expect(await exitOf(child)).toBe(1);
      expect(stderr()).toMatch(/Invalid environment configuration/);
      expect(stderr()).toMatch(message);
    },
  );
});
