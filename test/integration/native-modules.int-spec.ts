import { execFileSync } from 'node:child_process';

// npm 11 runs only approved install scripts (package.json allowScripts). argon2 and msgpackr-extract
// load their N-API prebuilt binaries, which do not depend on the Node ABI. argon2's glibc prebuild
// segfaults under Debian's own Node 20 build but loads on the Node 24 that npm ci installs.
describe('native modules', () => {
  it('should load them on the pinned Node.js major', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
    const script =
      "require('argon2').hash('x').then((h) => require('argon2').verify(h, 'x'))" +
      ".then((ok) => { require('msgpackr-extract'); process.stdout.write(process.versions.node + ' ' + ok); })";
    expect(execFileSync(process.execPath, ['-e', script]).toString()).toMatch(
      /^24\.\d+\.\d+ true$/,
    );
  });

  it('should hash and verify with argon2', async () => {
    const argon2 = await import('argon2');
    const hash = await argon2.hash('x', { type: argon2.argon2id });
    expect(await argon2.verify(hash, 'x')).toBe(true);
  });

  it('should load msgpackr-extract for BullMQ', () => {
    expect(() =>
      execFileSync(process.execPath, ['-e', "require('msgpackr-extract')"]),
    ).not.toThrow();
  });

  it('should refuse to start on the system Node.js 20 before loading anything native', () => {
    // The machines this project runs on have Debian's Node 20 as the system node; argon2's
    // prebuild crashes it (SIGSEGV) at require time, so the guard must run first.
    const systemNode = '/usr/bin/node';
    expect(execFileSync(systemNode, ['--version']).toString()).toMatch(/^v20\./);
    for (const entry of ['src/main.ts', 'src/worker.ts', 'src/scripts/start.ts']) {
      let failure: { status: number | null; signal: string | null; stderr: Buffer } | undefined;
      try {
        execFileSync(systemNode, ['-r', 'ts-node/register/transpile-only', entry], {
          stdio: 'pipe',
        });
      } catch (err) {
        failure = err as typeof failure;
      }
      expect(failure?.signal).toBeNull();
      expect(failure?.status).toBe(1);
      expect(failure?.stderr.toString()).toContain(
        'is not supported: Recovery Bridge runs on Node.js 24 LTS',
      );
    }
  });

  it('should exit 1 with a clear message when the configuration is invalid', () => {
    let output = '';
    try {
      execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
        env: { ...process.env, PORT: 'not-a-port' },
        stdio: 'pipe',
      });
    } catch (err) {
      const e = err as { status: number; stderr: Buffer };
      expect(e.status).toBe(1);
      output = e.stderr.toString();
    }
    expect(output).toContain('Invalid environment configuration');
    expect(output).toContain('PORT: ');
  });
});
