import { compare, fromSummary, summarize } from '../lib/compare';
import { BenchRequest } from '../lib/load';
import { BenchContext, bearer, probe, Scenario } from './context';

// About 1 KB of narrative, like the seeded notes.
const NARRATIVE =
  'Met at the community center; talked through the week, the job fair and the new meeting. '.repeat(
    11,
  );

/** S1: a specialist logs a session note on a client of their caseload (auth + validation + insert + audit). */
export const s1Note: Scenario = {
  name: 'S1 log a session note',
  target: '>= 0.60; p99 <= 2x baseline',
  request(ctx: BenchContext) {
    const { specialists, clientsOf } = ctx.data;
    return (conn, seq): BenchRequest => {
      const s = conn % specialists.length;
      const clients = clientsOf[s];
      const end = Date.now() - 3600_000;
      return {
        method: 'POST',
        path: `/api/v1/clients/${clients[seq % clients.length]}/session-notes`,
        headers: bearer(ctx.token(specialists[s])),
        body: {
          startedAt: new Date(end - 45 * 60_000).toISOString(),
          endedAt: new Date(end).toISOString(),
          contactType: 'in_person',
          setting: 'community',
          format: 'narrative',
          sections: { narrative: NARRATIVE },
        },
      };
    };
  },
  async unavailable(ctx) {
    await ctx.refreshTokens();
    return probe(ctx, this.request!(ctx)(0, 0), 201);
  },
  async run(ctx) {
    const c = await compare(ctx.opts, ctx.service, ctx.baseline, this.request!(ctx));
    const s = summarize(c);
    const pass = s.ratio >= 0.6 && s.p99Ms <= 2 * s.baselineP99Ms;
    return fromSummary(this.name, this.target, s, c.ratios, pass, [
      `p99 ${s.p99Ms} ms vs baseline ${s.baselineP99Ms} ms (${(s.p99Ms / s.baselineP99Ms).toFixed(2)}x)`,
      'baseline: node:http + pg, hand validation, same transaction (scope check, insert, last contact, audit)',
    ]);
  },
};
