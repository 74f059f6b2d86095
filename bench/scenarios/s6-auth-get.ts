import { API_NODE_FLAGS } from '../../src/config/runtime';
import { BENCH, childEnv } from '../lib/config';
import { compare, fromSummary, summarize } from '../lib/compare';
import { Child } from '../lib/proc';
import { BenchContext, bearer, Scenario } from './context';

const NOAUTH_PORT = 3103;

/** S6: GET /api/v1/me with a verified token and session check vs the same service with authentication skipped. */
export const s6AuthGet: Scenario = {
  name: 'S6 authenticated GET vs no auth',
  target: '>= 0.85',
  async unavailable() {
    return undefined;
  },
  request(ctx: BenchContext) {
    const { specialists } = ctx.data;
    return (conn) => ({
      method: 'GET',
      path: '/api/v1/me',
      headers: bearer(ctx.token(specialists[conn % specialists.length])),
    });
  },
  async run(ctx) {
    await ctx.refreshTokens();
    const noauth = await Child.start(
      'service-noauth',
      'service.js',
      childEnv({ PORT: String(NOAUTH_PORT), BENCH_NOAUTH: '1' }),
      API_NODE_FLAGS,
    );
    try {
      const c = await compare(
        ctx.opts,
        ctx.service,
        { label: 'no-auth', port: NOAUTH_PORT, child: noauth },
        this.request!(ctx),
      );
      const s = summarize(c);
      return fromSummary(this.name, this.target, s, c.ratios, s.ratio >= 0.85, [
        'baseline: the same service process with JwtAuthGuard replaced by reading the token claims unverified',
        `${BENCH.poolSize} pooled connections; session check cached ${2000} ms per session`,
      ]);
    } finally {
      await noauth.stop();
    }
  },
};
