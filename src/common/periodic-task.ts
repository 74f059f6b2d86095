import { Logger } from '@nestjs/common';

/**
 * Runs `work` again and again, `intervalMs` apart, never overlapping itself; again at once when
 * it reports a full batch, later (`backoffMs`) after an error. `stop()` waits for the run in flight.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly name: string,
    private readonly work: () => Promise<'more' | 'idle'>,
    private readonly intervalMs: number,
    private readonly logger: Pick<Logger, 'warn'> = new Logger(name),
    private readonly backoffMs = Math.max(intervalMs, 2000),
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => (this.running = undefined));
    }, delayMs);
  }

  private async tick(): Promise<void> {
    let next = this.intervalMs;
    try {
      if ((await this.work()) === 'more') next = 0;
    } catch (err) {
      next = this.backoffMs;
      this.logger.warn({ err: (err as Error).message }, `${this.name} failed; will retry`);
    }
    this.schedule(next);
  }
}
