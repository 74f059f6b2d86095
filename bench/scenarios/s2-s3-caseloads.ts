import { compare, fromSummary, summarize } from '../lib/compare';
import { BenchRequest } from '../lib/load';
import { BenchContext, bearer, probe, Scenario } from './context';

/** S2: a supervisor opens one specialist's caseload (50 clients, next follow-up, last contact). */
export const s2Caseload: Scenario = {
  name: 'S2 a specialist caseload (drill-down)',
  target: '>= 0.50; p99 < 40 ms; <= 2 SQL statements',
  request(ctx: BenchContext) {
    const { specialists, supervisors } = ctx.data;
    return (conn, seq): BenchRequest => {
      const s = specialists[(conn + seq) % specialists.length];
      return {
        method: 'GET',
        path: `/api/v1/caseloads/${s.id}`,
        headers: bearer(ctx.token(supervisors[s.teamNo - 1])),
      };
    };
  },
  async unavailable(ctx) {
    await ctx.refreshTokens();
    return probe(ctx, this.request!(ctx)(0, 0), 200);
  },
  async run(ctx) {
    const c = await compare(ctx.opts, ctx.service, ctx.baseline, this.request!(ctx));
    const s = summarize(c);
    const dataStatements = dataSql(s.topStatements);
    const pass = s.ratio >= 0.5 && s.p99Ms < 40 && dataStatements <= 2;
    return fromSummary(this.name, this.target, s, c.ratios, pass, [
      `${ctx.data.notes.toLocaleString()} seeded notes; data statements per request (excluding the audit insert and the cached session check): ${dataStatements}`,
      "baseline: the service's own CASELOAD_DETAIL statement and the audit insert through raw pg",
    ]);
  },
};

/** S3: a supervisor's caseload dashboard (the 10 specialists of their team). */
export const s3Dashboard: Scenario = {
  name: 'S3 supervisor caseload dashboard',
  target: '>= 0.60; p99 < 100 ms',
  request(ctx: BenchContext) {
    const { supervisors } = ctx.data;
    return (conn): BenchRequest => ({
      method: 'GET',
      path: '/api/v1/caseloads',
      headers: bearer(ctx.token(supervisors[conn % supervisors.length])),
    });
  },
  async unavailable(ctx) {
    await ctx.refreshTokens();
    return probe(ctx, this.request!(ctx)(0, 0), 200);
  },
  async run(ctx) {
    const c = await compare(ctx.opts, ctx.service, ctx.baseline, this.request!(ctx));
    const s = summarize(c);
    const pass = s.ratio >= 0.6 && s.p99Ms < 100;
    return fromSummary(this.name, this.target, s, c.ratios, pass, [
      `${ctx.data.notes.toLocaleString()} seeded notes`,
      "baseline: the service's own CASELOAD_SUMMARY statement and the audit insert through raw pg",
    ]);
  },
};

/** Statements per request other than the audit trail, the session check and transaction control. */
function dataSql(top: [string, number][]): number {
  const skip =
    /^(INSERT INTO audit_event|SELECT 1 FROM auth_session|START TRANSACTION|BEGIN|COMMIT|ROLLBACK)/i;
  return Math.round(top.filter(([k]) => !skip.test(k)).reduce((a, [, v]) => a + v, 0) * 100) / 100;
}
