import type { Job } from 'bullmq';

import { JobName, JobPayloads } from './jobs';

export const JOB_HANDLER = Symbol('JOB_HANDLER');

/** What a job handler is given: the job's payload, and the BullMQ job (its id, its attempts). */
export type JobHandlerMethod<N extends JobName> = (
  payload: JobPayloads[N],
  job: Job<JobPayloads[N]>,
) => Promise<unknown>;

/**
 * Marks the method that runs `name` in the worker (found at start-up by JobHandlerRegistry). Its
 * return value is kept as the job's result. Delivery is at least once: the method must re-read the
 * database and have one effect however often it runs.
 */
export function JobHandler<N extends JobName>(name: N) {
  return <M extends JobHandlerMethod<N>>(
    _target: object,
    _key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    Reflect.defineMetadata(JOB_HANDLER, name, descriptor.value as object);
  };
}

/** The job a method handles, if it is a job handler. */
export function handledJob(method: unknown): JobName | undefined {
  return typeof method === 'function' ? Reflect.getMetadata(JOB_HANDLER, method) : undefined;
}
