import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { Permission, roleHas } from '../auth/permissions';
import { SessionCheckService } from '../auth/session-check.service';
import { TokenService } from '../auth/token.service';
import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import { DomainError, ForbiddenError, UnauthenticatedError } from '../common/errors/domain-error';
import { ERROR_STATUS } from '../common/errors/error-codes';
import { toProblem } from '../common/errors/problem';
import { QueueName } from './jobs';
import { bullConnection } from './redis-connection';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues, for admins only, behind the API's own bearer tokens (the same
 * verification and revocation check as every route), and read-only: retrying, promoting, adding
 * or cleaning jobs by hand would bypass the outbox and the follow-up bookkeeping, so only GET and
 * HEAD pass. Job payloads hold ids only, so the board shows no PHI; its queues are the
 * deployment's, shared by every organization (counts and ids, no names).
 */
@Injectable()
export class QueueDashboardService implements OnModuleDestroy {
  private readonly logger = new Logger(QueueDashboardService.name);
  private queues: Queue[] = [];
  private setQueues?: (queues: BullMQAdapter[]) => void;

  constructor(
    private readonly tokens: TokenService,
    private readonly sessions: SessionCheckService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Mounts the board on the HTTP server; called by configureHttp, like the other plugins. */
  async register(fastify: FastifyInstance): Promise<void> {
    const board = new BullBoardFastifyAdapter();
    board.setBasePath(QUEUE_DASHBOARD_PATH);
    const { setQueues } = createBullBoard({ queues: [], serverAdapter: board });
    this.setQueues = setQueues;
    await fastify.register(async (scope) => {
      scope.addHook('onRequest', (request, reply) => this.authorize(request, reply));
      await scope.register(board.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
    });
  }

  // Redis connections are opened on the first admin visit, not with every API process.
  private attachQueues(): void {
    if (this.queues.length > 0 || !this.setQueues) return;
    const connection = bullConnection(this.config.redis.url);
    this.queues = Object.values(QueueName).map((name) => {
      const queue = new Queue(name, { connection, prefix: this.config.app.queuePrefix });
      // Redis down only makes the board unavailable; it must never take the API with it.
      queue.on('error', (err) =>
        this.logger.warn({ err: err.message, queue: name }, 'queue dashboard: Redis error'),
      );
      return queue;
    });
    this.setQueues(this.queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close().catch(() => undefined)));
  }

  private async authorize(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(request.headers.authorization ?? '');
      if (!match) throw new UnauthenticatedError();
      const principal = this.tokens.verifyAccess(match[1]);
      if (!(await this.sessions.isActive(principal))) throw new UnauthenticatedError();
      if (principal.kind !== 'user' || !roleHas(principal.role, Permission.QueueDashboard))
        throw new ForbiddenError();
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        throw new DomainError('METHOD_NOT_ALLOWED', 'The queue dashboard is read-only.');
      }
      this.attachQueues();
    } catch (err) {
      const error = err instanceof DomainError ? err : new UnauthenticatedError();
      await reply
        .code(ERROR_STATUS[error.code])
        .type('application/problem+json')
        .send(toProblem(error, String(request.id)));
    }
  }
}
