import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  correlationId: string;
  /** The `Idempotency-Key` this request claimed, for the handler's transaction to commit with. */
  idempotencyClaim?: { principalId: string; key: string };
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with a correlation id that services, audit and job producers can read. */
export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** The current request's context (mutable: the idempotency interceptor records its claim). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
