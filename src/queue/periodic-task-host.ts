import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';

import { PeriodicPass, PeriodicTask, periodicDeclaration } from '../common/periodic-task';
import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import { providerMethods } from './provider-methods';

/**
 * Runs the worker's periodic work: every `@Periodic` method of its providers (outbox relay, audit
 * sealer, idempotency purge, follow-up reconciler, heartbeat), each as a PeriodicTask at the
 * interval its declaration reads from the configuration. They start once every module is up and
 * stop at shutdown, waiting for the passes in flight, before the connections close. A failed pass
 * is logged and retried later (PeriodicTask).
 */
@Injectable()
export class PeriodicTaskHost implements OnApplicationBootstrap, OnModuleDestroy {
  private tasks: PeriodicTask[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  onApplicationBootstrap(): void {
    for (const { call, method } of providerMethods(this.discovery, this.scanner)) {
      const declaration = periodicDeclaration(method);
      if (!declaration) continue;
      const intervalMs = declaration.every(this.config);
      if (intervalMs <= 0) continue;
      this.tasks.push(new PeriodicTask(declaration.name, call as PeriodicPass, intervalMs));
    }
    for (const task of this.tasks) task.start();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.tasks.map((task) => task.stop()));
    this.tasks = [];
  }

  /** The names of the periodic work running, for tests and logs. */
  running(): string[] {
    return this.tasks.map((task) => task.name);
  }
}
