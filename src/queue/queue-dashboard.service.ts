import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
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
 * verification and revocation check as every route). Job payloads hold ids only, so the board
 * shows no PHI.
 */
@Injectable()
export class QueueDashboardService implements OnModuleInit, OnModuleDestroy {
  private queues: Queue[] = [];

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly tokens: TokenService,
    private readonly sessions: SessionCheckService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    const connection = { ...bullConnection(this.config.redis.url), lazyConnect: true };
    this.queues = Object.values(QueueName).map((name) => new Queue(name, { connection, prefix: this.config.app.queuePrefix }));
    const board = new BullBoardFastifyAdapter();
    board.setBasePath(QUEUE_DASHBOARD_PATH);
    createBullBoard({ queues: this.queues.map((q) => new BullMQAdapter(q)), serverAdapter: board });
    await fastify.register(async (scope) => {
      scope.addHook('onRequest', (request, reply) => this.authorize(request, reply));
      await scope.register(board.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
    });
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close()));
  }

  private async authorize(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(request.headers.authorization ?? '');
      if (!match) throw new UnauthenticatedError();
      const principal = this.tokens.verifyAccess(match[1]);
      if (!(await this.sessions.isActive(principal))) throw new UnauthenticatedError();
      if (principal.kind !== 'user' || !roleHas(principal.role, Permission.QueueDashboard)) throw new ForbiddenError();
    } catch (err) {
      const error = err instanceof DomainError ? err : new UnauthenticatedError();
      await reply.code(ERROR_STATUS[error.code]).type('application/problem+json').send(toProblem(error, String(request.id)));
    }
  }
}
