import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  KeyObject,
  randomBytes,
} from 'node:crypto';

import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';

import { Principal } from '../../auth/principal';
import { CONFIG } from '../../config/config.module';
import type { Config } from '../../config/configuration';
import { AuditService } from '../audit/audit.service';
import { DomainError, NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { RequestContext } from '../../common/http/request-context';
import { IdempotencyRepository } from './idempotency.repository';

const IDEMPOTENT = 'http:idempotent';

/**
 * Request fields left out of the fingerprint, at any depth (compared case-insensitively): secrets
 * (a new user's password, an API client's or webhook's secret, tokens). A request that differs from
 * the first only in one of them is the same request: it gets the first response (marked
 * `Idempotent-Replayed: true`), and the secret is never hashed into a stored value, not even keyed.
 */
export const FINGERPRINT_SECRET_FIELDS: ReadonlySet<string> = new Set([
  'password',
  'newpassword',
  'currentpassword',
  'secret',
  'clientsecret',
  'client_secret',
  'token',
  'accesstoken',
  'refreshtoken',
  'privatekey',
]);

/** HKDF labels of the two keys derived from the server secret (JWT_SECRET). */
export const FINGERPRINT_KEY_INFO = 'recovery-bridge/idempotency/fingerprint/v1';
export const RESPONSE_KEY_INFO = 'recovery-bridge/idempotency/response/v1';

/** A 32-byte key for `info`, derived from the server secret with HKDF-SHA-256. */
export function deriveIdempotencyKey(secret: KeyObject | Buffer, info: string): Buffer {
  const material = Buffer.isBuffer(secret) ? secret : secret.export();
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), info, 32));
}

/** The body with every secret field removed, at any depth. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([field]) => !FINGERPRINT_SECRET_FIELDS.has(field.toLowerCase()))
      .map(([field, v]) => [field, withoutSecrets(v)]),
  );
}

/**
 * The stored fingerprint of a request: HMAC-SHA-256 under a server key of its route and its body
 * without secrets. Unlike a plain hash it cannot be tested against guesses (a client's name and
 * birth date, a password) by whoever reads the table.
 */
export function requestFingerprint(key: Buffer, route: string, body: unknown): Buffer {
  return createHmac('sha256', key)
    .update(route)
    .update('\n')
    .update(JSON.stringify(withoutSecrets(body ?? null)))
    .digest();
}

interface IdempotentOptions {
  /**
   * Top-level response fields never stored for replay (a secret shown once): a replay answers
   * the first response without them.
   */
  omit?: string[];
  /**
   * An inbound integration route: the replay answers the sender without re-checking client scope
   * (the sender wrote what the response names, and an API client reads clients only under consent).
   */
  inbound?: boolean;
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

// The 404 a fresh request answers when the caller no longer sees the client, by the route's parent.
const NOT_FOUND_BY_PARENT: Record<string, string> = {
  'recovery-plans': 'Recovery plan',
  'session-notes': 'Session note',
};

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly fingerprintKey: Buffer;
  private readonly responseKey: Buffer;

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: IdempotencyRepository,
    @Inject(CONFIG) config: Config,
    private readonly audit: AuditService,
  ) {
    this.fingerprintKey = deriveIdempotencyKey(config.auth.jwtKey, FINGERPRINT_KEY_INFO);
    this.responseKey = deriveIdempotencyKey(config.auth.jwtKey, RESPONSE_KEY_INFO);
  }

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
    return from(this.handle(request.user, key, request, reply, next, options));
  }

  private async handle(
    principal: Principal,
    key: string,
    request: FastifyRequest,
    reply: FastifyReply,
    next: CallHandler,
    options: IdempotentOptions,
  ): Promise<unknown> {
    const omit = options.omit ?? [];
    const route = `${request.method} ${request.url.split('?')[0]}`;
    const hash = requestFingerprint(this.fingerprintKey, route, request.body);
    const principalId = principal.id;
    const claimed = await this.keys.claim(principalId, key, route, hash);
    if (!claimed) return this.replay(principal, key, { route, hash, options }, request, reply);
    const context = principal.context;
    const claim: NonNullable<RequestContext['idempotencyClaim']> = { principalId, key };
    if (context) context.idempotencyClaim = claim;
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      const sealed = this.seal(principalId, key, JSON.stringify(withoutFields(body, omit)));
      await this.keys.storeResponse(principalId, key, {
        status: reply.statusCode,
        sealed,
        clientIds: [...(claim.clientIds ?? [])],
        resourceType: claim.resourceType ?? null,
        resourceId: claim.resourceId ?? null,
      });
      return body;
    } catch (err) {
      // A request that failed before committing anything may be retried with its key. One that
      // failed after its write committed keeps the key: running it again would write twice.
      await this.keys.releaseInFlight(principalId, key);
      throw err;
    } finally {
      if (context) context.idempotencyClaim = undefined;
    }
  }

  private async replay(
    principal: Principal,
    key: string,
    { route, hash, options }: { route: string; hash: Buffer; options: IdempotentOptions },
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<unknown> {
    // The key is the caller's own: another principal's key is another row, never read here.
    const stored = await this.keys.find(principal.id, key);
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
    if (stored.state !== 'done' || !stored.response_sealed) {
      throw new DomainError(
        'IDEMPOTENCY_IN_FLIGHT',
        'A request with this Idempotency-Key is in progress.',
        { retryAfterSeconds: 1 },
      );
    }
    const clientIds = stored.client_ids ?? [];
    if (!options.inbound) await this.requireClientsInScope(principal, clientIds, request);
    const body = this.open(principal.id, key, stored.response_sealed);
    await this.audit.recordReads(
      principal,
      {
        action: 'idempotency.replay',
        resourceType: stored.resource_type ?? undefined,
        resourceId: stored.resource_id,
      },
      clientIds,
    );
    reply.status(stored.response_status ?? 200).header('Idempotent-Replayed', 'true');
    return body;
  }

  /**
   * A replay answers what a fresh request would when the caller no longer sees a client the first
   * request wrote for (reassigned, coverage ended): 404, with the same audited denial. One query,
   * on replays only.
   */
  private async requireClientsInScope(
    principal: Principal,
    clientIds: string[],
    request: FastifyRequest,
  ): Promise<void> {
    if (clientIds.length === 0) return;
    const visible = await this.keys.visibleClientIds(principal, clientIds);
    const missing = clientIds.find((id) => !visible.has(id));
    if (missing === undefined) return;
    await this.audit.recordNow(principal, {
      action: 'client.access',
      outcome: 'denied',
      resourceType: 'Client',
      resourceId: missing,
    });
    const parent = (request.routeOptions.url ?? '').split('/')[3] ?? '';
    throw new NotFoundError(NOT_FOUND_BY_PARENT[parent] ?? 'Client');
  }

  /** AES-256-GCM under a server key, bound to its row (principal and key) as associated data. */
  private seal(principalId: string, key: string, plaintext: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.responseKey, iv);
    cipher.setAAD(Buffer.from(`${principalId}\n${key}`));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /** The stored response; one sealed under a previous server secret (rotated) is lost. */
  private open(principalId: string, key: string, sealed: Buffer): unknown {
    let plaintext: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.responseKey, sealed.subarray(0, 12));
      decipher.setAAD(Buffer.from(`${principalId}\n${key}`));
      decipher.setAuthTag(sealed.subarray(12, 28));
      plaintext = Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new DomainError(
        'IDEMPOTENCY_RESPONSE_LOST',
        'The request with this Idempotency-Key was applied, but its response was not kept; read the record instead of posting again.',
      );
    }
    return JSON.parse(plaintext);
  }
}

function withoutFields(body: unknown, omit: string[]): unknown {
  if (omit.length === 0 || typeof body !== 'object' || body === null) return body ?? null;
  return Object.fromEntries(Object.entries(body).filter(([field]) => !omit.includes(field)));
}
