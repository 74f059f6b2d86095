import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { Job } from 'bullmq';

import { handledJob } from './job-handler.decorator';
import { JobName } from './jobs';
import { providerMethods } from './provider-methods';

type Handler = (payload: unknown, job: Job) => Promise<unknown>;

/**
 * Finds every `@JobHandler` method among the process's providers at start-up and refuses to start
 * (immich JobRepository.setup) when a job has no handler or more than one, so a job never waits in
 * Redis for code that does not exist, nor runs with whichever of two handlers came first.
 */
@Injectable()
export class JobHandlerRegistry implements OnModuleInit {
  private readonly handlers = new Map<JobName, Handler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    const found = new Map<JobName, { call: Handler; where: string }[]>();
    for (const { call, method, where } of providerMethods(this.discovery, this.scanner)) {
      const name = handledJob(method);
      if (name !== undefined)
        found.set(name, [...(found.get(name) ?? []), { call: call as Handler, where }]);
    }
    const problems: string[] = [];
    const missing = Object.values(JobName).filter((name) => !found.has(name));
    if (missing.length > 0) problems.push(`no handler for ${missing.join(', ')}`);
    for (const [name, handlers] of found) {
      if (handlers.length === 1) this.handlers.set(name, handlers[0].call);
      else
        problems.push(`several handlers for ${name}: ${handlers.map((h) => h.where).join(', ')}`);
    }
    if (problems.length > 0) throw new Error(`The worker cannot start: ${problems.join('; ')}`);
  }

  /** Runs a job with its handler; a job no handler knows fails (and is retried, then kept failed). */
  async run(job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new Error(`No handler for job ${job.name}`);
    return handler(job.data, job);
  }

  /** The jobs this process runs. */
  handledJobs(): JobName[] {
    return [...this.handlers.keys()];
  }
}
