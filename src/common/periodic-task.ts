import { Logger } from '@nestjs/common';

import type { Config } from '../config/configuration';

/**
 * Runs `work` again and again, `intervalMs` apart, never overlapping itself; again at once when
 * it reports a full batch, later (`backoffMs`) after an error. `stop()` waits for the run in flight.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    readonly name: string,
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

const PERIODIC = Symbol('PERIODIC');

/** A pass of periodic work: 'more' when it left work behind (a full batch), to run again at once. */
export type PeriodicPass = () => Promise<'more' | 'idle'>;

export interface PeriodicDeclaration {
  /** For the logs. */
  name: string;
  /** Milliseconds between passes, from the configuration; 0 or less: not run in this process. */
  every: (config: Config) => number;
}

/**
 * Marks a worker provider's method as periodic work. The worker's PeriodicTaskHost finds every
 * one at start-up and runs each as a PeriodicTask (started once the process is up, stopped and
 * awaited at shutdown); the API runs none. Several workers may run the same work at once, so it
 * must be safe to (SKIP LOCKED, unique keys, idempotent effects).
 */
export function Periodic(declaration: PeriodicDeclaration) {
  return <M extends PeriodicPass>(
    _target: object,
    _key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    Reflect.defineMetadata(PERIODIC, declaration, descriptor.value as object);
  };
}

/** The declaration of a periodic method, if it is one. */
export function periodicDeclaration(method: unknown): PeriodicDeclaration | undefined {
  return typeof method === 'function' ? Reflect.getMetadata(PERIODIC, method) : undefined;
}
