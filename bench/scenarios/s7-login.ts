import { BENCH } from '../lib/config';
import { compare, fromSummary, summarize } from '../lib/compare';
import { Scenario } from './context';

/** S7: POST /api/v1/auth/login from 8 concurrent clients (argon2id verify on the libuv pool). */
export const s7Login: Scenario = {
  name: 'S7 login, 8 concurrent clients',
  target: 'p99 < 150 ms; event-loop delay < 20 ms',
  async unavailable() {
    return undefined;
  },
  async run(ctx) {
    const users = ctx.data.specialists;
    const c = await compare(
      ctx.opts,
      ctx.service,
      ctx.baseline,
      (_conn, seq) => ({
        method: 'POST',
        path: '/api/v1/auth/login',
        body: { email: users[seq % users.length].email, password: BENCH.password },
      }),
      8,
    );
    const s = summarize(c);
    const pass = s.p99Ms < 150 && s.eventLoopP99Ms < 20;
    return fromSummary(this.name, this.target, s, c.ratios, pass, [
      `event-loop delay p99 ${s.eventLoopP99Ms} ms (max over rounds, 1 ms resolution)`,
      'baseline: node:http + pg + argon2 running the same statements as AuthService.login',
      'LOGIN_IP_MAX_PER_MINUTE lifted for the run (every request comes from 127.0.0.1)',
    ]);
  },
};
