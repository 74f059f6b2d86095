import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

import Redis from 'ioredis';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A private redis-server child process that a test may stop, restart and flush: the shared Redis
 * of this machine is never touched. No persistence, so a restart comes back empty.
 */
export class RedisServer {
  private child?: ChildProcess;

  constructor(
    readonly port: number,
    private readonly extraArgs: string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Started and not stopped. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null;
  }

  static async start(extraArgs: string[] = []): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), extraArgs);
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        ...this.extraArgs,
      ],
      { stdio: 'ignore' },
    );
    await this.waitUntil(async (r) => (await r.ping()) === 'PONG');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    this.child = undefined;
  }

  async flushAll(): Promise<void> {
    const r = new Redis(this.url);
    await r.flushall();
    r.disconnect();
  }

  private async waitUntil(ready: (r: Redis) => Promise<boolean>, timeoutMs = 5000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = new Redis(this.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      try {
        await r.connect();
        if (await ready(r)) return;
      } catch {
        if (Date.now() > until) throw new Error(`redis-server on ${this.port} did not start`);
      } finally {
        r.disconnect();
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  }
}
