import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * What one request carries beyond its caller. It travels explicitly, on the principal the JWT
 * strategy builds (or as a parameter on public routes): an AsyncLocalStorage would put a hook on
 * every promise of the process, which on Node 20 cost 15 % of a note write's CPU (BENCHMARKS.md).
 */
export interface RequestContext {
  readonly correlationId: string;
  /** The `Idempotency-Key` this request claimed, for the handler's transaction to commit with. */
  idempotencyClaim?: {
    principalId: string;
    key: string;
    /** Clients the write's audit events named: a replay re-checks the caller's scope on them. */
    clientIds?: Set<string>;
    /** The first audited record, named by the replay's audit event. */
    resourceType?: string;
    resourceId?: string;
  };
}

/** The request's correlation id, for a public route (no principal to carry it: sign-in, OAuth). */
export const CorrelationId = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<FastifyRequest>().id,
);
