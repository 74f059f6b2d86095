import { execFileSync } from 'node:child_process';

// npm 11 runs only approved install scripts (package.json allowScripts): argon2 is compiled from
// source (its shipped glibc prebuild segfaults here), msgpackr-extract loads its platform package.
describe('native modules', () => {
  it('should hash and verify with argon2', async () => {
    const argon2 = await import('argon2');
    const hash = await argon2.hash('x', { type: argon2.argon2id });
    expect(await argon2.verify(hash, 'x')).toBe(true);
  });

  it('should load msgpackr-extract for BullMQ', () => {
    expect(() => execFileSync(process.execPath, ['-e', "require('msgpackr-extract')"])).not.toThrow();
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
