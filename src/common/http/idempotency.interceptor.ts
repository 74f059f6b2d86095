import { createHash } from 'node:crypto';

import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { DataSource, EntityManager } from 'typeorm';

import { Principal } from '../../auth/principal';
import { DomainError, ValidationError } from '../errors/domain-error';
import { RequestContext } from './request-context';

const IDEMPOTENT = 'http:idempotent';
// An in-flight key older than this is taken to belong to a request that died.
const IN_FLIGHT_STALE_SECONDS = 60;

interface IdempotentOptions {
  /**
   * Top-level response fields never stored for replay (a secret shown once): a replay answers
   * the first response without them.
   */
  omit?: string[];
}

/**
 * Marks a creating POST that honours `Idempotency-Key` (SPEC section 1). The interceptor is bound
 * to these routes only: a global one would cost every other request an Observable chain.
 */
export const Idempotent = (options: IdempotentOptions = {}): MethodDecorator =>
  applyDecorators(
    SetMetadata(IDEMPOTENT, options),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Replays return the first response',
    }),
  );

/**
 * Called inside a write's transaction (AuditService.record does, for every audited write): marks
 * the request's claimed key `committed` together with the write. A key that never reached this
 * (the request died before its transaction committed) may be taken over once stale and run again;
 * a committed one never runs again, even if the process died before storing the response.
 */
export async function commitIdempotencyClaim(
  manager: EntityManager,
  context: RequestContext | undefined,
): Promise<void> {
  const claim = context?.idempotencyClaim;
  if (!claim || !manager.queryRunner?.isTransactionActive) return;
  await manager.query(
    `UPDATE idempotency_key SET state = 'committed'
      WHERE principal_id = $1 AND key = $2 AND state = 'in_flight'`,
    [claim.principalId, claim.key],
  );
}

interface StoredKey {
  route: string;
  request_hash: Buffer;
  state: 'in_flight' | 'committed' | 'done';
  stale: boolean;
  response_status: number | null;
  response_body: unknown;
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.get<IdempotentOptions | undefined>(
      IDEMPOTENT,
      context.getHandler(),
    );
    if (!options) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const key = request.headers['idempotency-key'];
    if (key === undefined || !request.user) return next.handle();
    if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new ValidationError([
        { field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
      ]);
    }
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return from(this.handle(request.user, key, request, reply, next, options.omit ?? []));
  }

  private async handle(
    principal: Principal,
    key: string,
    request: FastifyRequest,
    reply: FastifyReply,
    next: CallHandler,
    omit: string[],
  ): Promise<unknown> {
    const route = `${request.method} ${request.url.split('?')[0]}`;
    const hash = createHash('sha256')
      .update(route)
      .update(JSON.stringify(request.body ?? null))
      .digest();
    const principalId = principal.id;
    const claimed = await this.claim(principalId, key, route, hash);
    if (!claimed) return this.replay(principalId, key, route, hash, reply);
    const context = principal.context;
    if (context) context.idempotencyClaim = { principalId, key };
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.dataSource.query(
        `UPDATE idempotency_key SET state = 'done', response_status = $3, response_body = $4,
           completed_at = now() WHERE principal_id = $1 AND key = $2`,
        [principalId, key, reply.statusCode, JSON.stringify(withoutFields(body, omit))],
      );
      return body;
    } catch (err) {
      // A request that failed before committing anything may be retried with its key. One that
      // failed after its write committed keeps the key: running it again would write twice.
      await this.dataSource.query(
        `DELETE FROM idempotency_key WHERE principal_id = $1 AND key = $2 AND state = 'in_flight'`,
        [principalId, key],
      );
      throw err;
    } finally {
      if (context) context.idempotencyClaim = undefined;
    }
  }

  private async claim(
    principalId: string,
    key: string,
    route: string,
    hash: Buffer,
  ): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO idempotency_key (principal_id, key, route, request_hash, state)
       VALUES ($1, $2, $3, $4, 'in_flight')
       ON CONFLICT (principal_id, key) DO UPDATE SET created_at = now(), route = EXCLUDED.route,
         request_hash = EXCLUDED.request_hash
         WHERE idempotency_key.state = 'in_flight'
           AND idempotency_key.created_at < now() - make_interval(secs => ${IN_FLIGHT_STALE_SECONDS})
       RETURNING 1`,
      [principalId, key, route, hash],
    );
    return rows.length > 0;
  }

  private async replay(
    principalId: string,
    key: string,
    route: string,
    hash: Buffer,
    reply: FastifyReply,
  ): Promise<unknown> {
    const [stored] = (await this.dataSource.query(
      `SELECT route, request_hash, state, response_status, response_body,
              created_at < now() - make_interval(secs => ${IN_FLIGHT_STALE_SECONDS}) AS stale
         FROM idempotency_key WHERE principal_id = $1 AND key = $2`,
      [principalId, key],
    )) as StoredKey[];
    if (!stored || stored.route !== route || !stored.request_hash.equals(hash)) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with another request.',
      );
    }
    if (stored.state === 'committed' && stored.stale) {
      throw new DomainError(
        'IDEMPOTENCY_RESPONSE_LOST',
        'The request with this Idempotency-Key was applied, but its response was not kept; read the record instead of posting again.',
      );
    }
    if (stored.state !== 'done') {
      throw new DomainError(
        'IDEMPOTENCY_IN_FLIGHT',
        'A request with this Idempotency-Key is in progress.',
        { retryAfterSeconds: 1 },
      );
    }
    reply.status(stored.response_status ?? 200).header('Idempotent-Replayed', 'true');
    return stored.response_body;
  }
}

function withoutFields(body: unknown, omit: string[]): unknown {
  if (omit.length === 0 || typeof body !== 'object' || body === null) return body ?? null;
  return Object.fromEntries(Object.entries(body).filter(([field]) => !omit.includes(field)));
}
