import { compare, fromSummary, summarize } from '../lib/compare';
import { BenchRequest } from '../lib/load';
import { withDb } from '../lib/seed';
import { BenchContext, bearer, probe, Scenario } from './context';

const runStart = Date.now();

/**
 * S4: a specialist records a discharge of a client: the discharge, the cadence's 8 follow-ups,
 * their job rows and outbox rows, and the audit event, in one transaction. Each request has its
 * own discharge instant (no duplicates). The worker is not running: the outbox rows wait in
 * Postgres (the relay is measured with the worker in S5) and are removed afterwards.
 */
export const s4Discharge: Scenario = {
  name: 'S4 discharge -> follow-up cadence',
  target: '>= 0.50; >= 1,000 discharges/s',
  request(ctx: BenchContext) {
    const { specialists, clientsOf } = ctx.data;
    return (conn, seq): BenchRequest => {
      const s = conn % specialists.length;
      const clients = clientsOf[s];
      const dischargedAt = new Date(runStart - 2 * 3600_000 + seq);
      return {
        method: 'POST',
        path: `/api/v1/clients/${clients[seq % clients.length]}/discharges`,
        headers: bearer(ctx.token(specialists[s])),
        body: {
          facility: 'Bench Detox',
          levelOfCare: 'withdrawal_management',
          admittedAt: new Date(dischargedAt.getTime() - 5 * 86_400_000).toISOString(),
          dischargedAt: dischargedAt.toISOString(),
          disposition: 'home',
          planned: true,
        },
      };
    };
  },
  async unavailable(ctx) {
    await ctx.refreshTokens();
    return probe(ctx, this.request!(ctx)(0, Math.floor(Math.random() * 1e6)), 201);
  },
  async run(ctx) {
    try {
      const c = await compare(ctx.opts, ctx.service, ctx.baseline, this.request!(ctx));
      const s = summarize(c);
      const pass = s.ratio >= 0.5 && s.rps >= 1000;
      return fromSummary(this.name, this.target, s, c.ratios, pass, [
        'baseline: node:http + pg running the statements of DischargesService.record by hand (same cadence code)',
        'outbox rows not relayed during the run (no worker); relay/worker throughput is S5',
      ]);
    } finally {
      // Keep Redis small and the worker's reconciler quiet in S5: the run's jobs are not needed.
      await withDb(async (db) => {
        await db.query(`DELETE FROM outbox WHERE dispatched_at IS NULL`);
        await db.query(`DELETE FROM follow_up_job WHERE job_id NOT LIKE 'bench-s5.%'`);
      });
    }
  },
};
