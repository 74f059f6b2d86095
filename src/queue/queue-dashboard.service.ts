import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import { DomainError, UnauthenticatedError } from '../common/errors/domain-error';
import { ERROR_STATUS } from '../common/errors/error-codes';
import { toProblem } from '../common/errors/problem';
import { sendProblem } from '../common/errors/problem.filter';
import { toDomainError } from '../common/errors/to-domain-error';
import { QueueName } from './jobs';
import {
  dashboardCookie,
  QUEUE_DASHBOARD_PATH,
  QueueDashboardAuthService,
} from './queue-dashboard-auth.service';
import { SIGN_IN_PATH, SIGN_OUT_PATH, signInPage, signOutPage } from './queue-dashboard-pages';
import { bullConnection } from './redis-connection';

export { QUEUE_DASHBOARD_PATH } from './queue-dashboard-auth.service';

const SIGN_IN_MESSAGES: Partial<Record<string, string>> = {
  VALIDATION_FAILED: 'Enter your email address and password.',
};

/**
 * Bull Board at /admin/queues, for the deployment's operators only (QueueDashboardAuthService:
 * a bearer token for API tooling, a sign-in page and a dashboard cookie for a browser), and
 * read-only: retrying, promoting, adding or cleaning jobs by hand would bypass the outbox and the
 * follow-up bookkeeping, so only GET and HEAD pass. Its queues are the deployment's, shared by
 * every organization, which is why no organization role may open it.
 */
@Injectable()
export class QueueDashboardService implements OnModuleDestroy {
  private readonly logger = new Logger(QueueDashboardService.name);
  private queues: Queue[] = [];
  private setQueues?: (queues: BullMQAdapter[]) => void;

  constructor(
    private readonly auth: QueueDashboardAuthService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Mounts the board on the HTTP server; called by configureHttp, like the other plugins. */
  async register(fastify: FastifyInstance): Promise<void> {
    const board = new BullBoardFastifyAdapter();
    board.setBasePath(QUEUE_DASHBOARD_PATH);
    const { setQueues } = createBullBoard({
      queues: [],
      serverAdapter: board,
      options: {
        uiConfig: {
          boardTitle: 'Recovery Bridge',
          hideDocsLink: true,
          miscLinks: [{ text: 'Sign out', url: SIGN_OUT_PATH }],
        },
      },
    });
    this.setQueues = setQueues;
    await fastify.register((scope) => this.registerSignIn(scope));
    await fastify.register(async (scope) => {
      scope.setErrorHandler((err, request, reply) => sendProblem(request, reply, err, this.logger));
      scope.addHook('onRequest', (request, reply) => this.authorize(request, reply));
      await scope.register(board.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
    });
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close().catch(() => undefined)));
  }

  /** The browser's way in: public pages, and two form posts that carry no dashboard rights. */
  private async registerSignIn(scope: FastifyInstance): Promise<void> {
    // Outside Nest's routes, so outside its exception filter: the same problem+json by hand.
    scope.setErrorHandler((err, request, reply) => sendProblem(request, reply, err, this.logger));
    // The form's encoding only: the pages post nothing else.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.get(SIGN_IN_PATH, (_request, reply) => html(reply, 200, signInPage()));
    scope.get(SIGN_OUT_PATH, (_request, reply) => html(reply, 200, signOutPage()));
    scope.post(SIGN_IN_PATH, (request, reply) => this.signIn(request, reply));
    scope.post(SIGN_OUT_PATH, async (request, reply) => {
      if (crossSite(request)) return html(reply, 403, signOutPage());
      await this.auth.signOut(request, String(request.id));
      return reply
        .code(303)
        .header('Set-Cookie', this.auth.cookieHeader(request, '', 0))
        .header('Location', SIGN_IN_PATH)
        .send();
    });
  }

  private async signIn(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    // Another site's form must not sign a browser in (login CSRF); browsers say where a post is from.
    if (crossSite(request)) return html(reply, 403, signInPage('Sign in from this page.'));
    try {
      const token = await this.auth.signIn(request.body, request.ip, String(request.id));
      return reply
        .code(303)
        .header('Set-Cookie', this.auth.cookieHeader(request, token, this.auth.ttlSeconds))
        .header('Location', QUEUE_DASHBOARD_PATH)
        .send();
    } catch (err) {
      const error = toDomainError(err);
      if (!error) throw err;
      const retryAfter = error.extra.retryAfterSeconds;
      if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter));
      const message = SIGN_IN_MESSAGES[error.code] ?? error.message;
      return html(reply, ERROR_STATUS[error.code], signInPage(message));
    }
  }

  // Redis connections are opened on the first operator visit, not with every API process.
  private attachQueues(): void {
    if (this.queues.length > 0 || !this.setQueues) return;
    const connection = bullConnection(this.config.redis);
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

  private async authorize(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    try {
      await this.auth.authenticate(request);
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        reply.header('Allow', 'GET, HEAD');
        throw new DomainError('METHOD_NOT_ALLOWED', 'The queue dashboard is read-only.');
      }
      this.attachQueues();
    } catch (err) {
      const error = err instanceof DomainError ? err : new UnauthenticatedError();
      if (error.code === 'UNAUTHENTICATED' && wantsPage(request)) {
        // A browser without a valid cookie goes to the sign-in page (and drops a stale cookie).
        if (dashboardCookie(request) !== undefined)
          reply.header('Set-Cookie', this.auth.cookieHeader(request, '', 0));
        await reply.code(303).header('Location', SIGN_IN_PATH).send();
        return;
      }
      await reply
        .code(ERROR_STATUS[error.code])
        .type('application/problem+json')
        .send(toProblem(error, String(request.id)));
    }
  }
}

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

/** A browser's page load (not the board's own API calls, not API tooling). */
function wantsPage(request: FastifyRequest): boolean {
  return (
    request.method === 'GET' &&
    request.headers.authorization === undefined &&
    (request.headers.accept ?? '').includes('text/html') &&
    !request.url.startsWith(`${QUEUE_DASHBOARD_PATH}/api/`)
  );
}

/** Sec-Fetch-Site, sent by every current browser; tools that send none are not browsers. */
function crossSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  return site !== undefined && site !== 'same-origin' && site !== 'none';
}
