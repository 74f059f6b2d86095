import fs from 'node:fs';

type Write = (...args: unknown[]) => unknown;

function text(chunk: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk).toString('utf8');
  return '';
}

/**
 * Captures what the process writes to stdout and stderr, however it writes: pino's sonic-boom
 * calls fs.write / fs.writeSync on fd 1 directly, Nest's and console's go through the streams.
 * The text is kept (not echoed) for a test to search.
 */
export class OutputCapture {
  private readonly chunks: string[] = [];
  private readonly restores: (() => void)[] = [];

  start(): this {
    this.wrapFs('write');
    this.wrapFs('writeSync');
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream) as Write;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        this.chunks.push(text(chunk));
        const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      }) as typeof stream.write;
      this.restores.push(() => void (stream.write = original as typeof stream.write));
    }
    return this;
  }

  private wrapFs(name: 'write' | 'writeSync'): void {
    const original = fs[name] as unknown as Write;
    const chunks = this.chunks;
    const wrapped = function (this: unknown, fd: unknown, buffer: unknown, ...rest: unknown[]) {
      if (fd !== 1 && fd !== 2) return original.call(this, fd, buffer, ...rest);
      const chunk = text(buffer);
      chunks.push(chunk);
      const length = Buffer.byteLength(chunk);
      if (name === 'writeSync') return length;
      const callback = rest.find((r) => typeof r === 'function') as
        ((err: null, written: number, buffer: unknown) => void) | undefined;
      if (callback) process.nextTick(() => callback(null, length, buffer));
      return undefined;
    };
    (fs as unknown as Record<string, unknown>)[name] = wrapped;
    this.restores.push(() => void ((fs as unknown as Record<string, unknown>)[name] = original));
  }

  stop(): void {
    for (const restore of this.restores.splice(0).reverse()) restore();
  }

  get output(): string {
    return this.chunks.join('');
  }
}
