import { Queue } from 'bullmq';

import { bullConnection } from '../../src/queue/redis-connection';
import { BENCH, childEnv, workerFlags } from '../lib/config';
import { ScenarioResult } from '../lib/compare';
import { Child } from '../lib/proc';
import { median, round } from '../lib/stats';
import { ORG_ID, tableExists, withDb } from '../lib/seed';
import { BenchContext, Scenario } from './context';

const QUEUE = 'follow-ups';
const PREFIX = 'bench-s5.';

interface Side {
  label: string;
  script: string;
  /** The service's worker runs with the flags it is deployed with. */
  flags?: string[];
}

/**
 * S5: follow-up reminder jobs through the service's worker vs a raw BullMQ worker with the same
 * concurrency and statements. Per side: start the worker, pause the queue, add N reminder jobs
 * (each with its follow_up_job row), resume, and time until every row is marked done.
 */
export const s5Worker: Scenario = {
  name: 'S5 worker: follow-up reminder jobs',
  target: '>= 0.70 of the raw worker',
  async unavailable() {
    return withDb(async (db) =>
      (await tableExists(db, 'follow_up_job')) ? undefined : 'follow_up_job table missing',
    );
  },
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const n = ctx.opts.quick ? 3000 : 10_000;
    const sealed = await sealAuditBacklog();
    const queue = new Queue(QUEUE, {
      connection: bullConnection({ url: BENCH.redisUrl }),
      prefix: BENCH.queuePrefix,
    });
    const followUps = await withDb(async (db) => {
      const { rows } = await db.query(
        `SELECT id FROM follow_up WHERE organization_id = $1 AND status = 'requested' AND owner_id IS NOT NULL ORDER BY id LIMIT $2`,
        [ORG_ID, n],
      );
      return rows.map((r: { id: string }) => r.id);
    });
    const sides: Side[] = [
      { label: 'service', script: 'worker.js', flags: workerFlags() },
      { label: 'raw-worker', script: 'baseline-worker.js' },
    ];
    const rates = new Map<string, number[]>(sides.map((s) => [s.label, []]));
    const cpu = new Map<string, number[]>(sides.map((s) => [s.label, []]));
    const ratios: number[] = [];
    try {
      for (let r = 0; r < ctx.opts.rounds; r += 1) {
        const order = r % 2 === 0 ? sides : [...sides].reverse();
        const got = new Map<string, number>();
        for (const side of order) {
          const { rate, cpuMsPerJob } = await runSide(queue, side, followUps);
          got.set(side.label, rate);
          rates.get(side.label)?.push(rate);
          cpu.get(side.label)?.push(cpuMsPerJob);
        }
        ratios.push((got.get('service') ?? 0) / (got.get('raw-worker') ?? 1));
        console.log(
          `    round ${r + 1}: service ${round(got.get('service') ?? 0, 0)} jobs/s | raw ${round(got.get('raw-worker') ?? 0, 0)} jobs/s | ratio ${round(ratios[r], 3)}`,
        );
      }
    } finally {
      await cleanup(queue);
      await queue.close();
    }
    const ratio = round(median(ratios), 3);
    return {
      scenario: this.name,
      ratio,
      target: this.target,
      p50Ms: null,
      p99Ms: null,
      rps: round(median(rates.get('service') ?? []), 0),
      baselineRps: round(median(rates.get('raw-worker') ?? []), 0),
      cpuMsPerRequest: round(median(cpu.get('service') ?? []), 3),
      baselineCpuMsPerRequest: round(median(cpu.get('raw-worker') ?? []), 3),
      rounds: ratios.map((x) => round(x, 3)),
      pass: ratio >= 0.7,
      measured: true,
      notes: [
        `${n} reminder jobs per side per round; rps = jobs/s from resume until every job's follow_up_job row is done`,
        'baseline: bullmq Worker (concurrency 5) + pg running the statements of FollowUpJobsService.remind',
        sealed,
      ],
    };
  },
};

/**
 * The earlier scenarios' writes (the service's and the baselines') left audit events for the
 * worker to chain; it seals them in batches. That is their deferred cost, not the reminders': the
 * service's worker seals them all before the first round, or its side would be measured doing it.
 * Every 20 s the table is vacuumed, as autovacuum would (it is off here): each batch finds the
 * next unsealed events through a partial index that fills with dead entries otherwise.
 */
export async function sealAuditBacklog(): Promise<string> {
  const unsealed = (): Promise<number> =>
    withDb(
      async (db) =>
        (await db.query(`SELECT count(*)::int AS n FROM audit_event WHERE seq IS NULL`)).rows[0].n,
    );
  const backlog = await unsealed();
  if (backlog === 0) return 'no audit events to seal before the first round';
  const started = performance.now();
  const child = await Child.start(
    'service',
    'worker.js',
    childEnv({ PORT: '3104', RECONCILE_INTERVAL_MS: '600000' }),
    workerFlags(),
  );
  try {
    const deadline = Date.now() + 1_200_000;
    let vacuumed = Date.now();
    for (let left = backlog; left > 0; left = await unsealed()) {
      if (Date.now() > deadline)
        throw new Error(`${left} audit events still unsealed after 1,200 s`);
      if (Date.now() - vacuumed > 20_000) {
        await withDb((db) => db.query('VACUUM audit_event'));
        vacuumed = Date.now();
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await child.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const line = `${backlog} audit events left by the earlier scenarios sealed first, in ${round(seconds, 0)} s (${round(backlog / seconds, 0)}/s)`;
  console.log(`    ${line}`);
  return line;
}

async function cleanup(queue: Queue): Promise<void> {
  await queue.obliterate({ force: true });
  await withDb(async (db) => {
    await db.query(`DELETE FROM follow_up_job WHERE job_id LIKE '${PREFIX}%'`);
    await db.query(
      `DELETE FROM notification WHERE organization_id = $1 AND kind = 'follow-up.reminder'`,
      [ORG_ID],
    );
  });
}

async function runSide(
  queue: Queue,
  side: Side,
  followUps: string[],
): Promise<{ rate: number; cpuMsPerJob: number }> {
  await cleanup(queue);
  const env = childEnv({ PORT: '3104', RECONCILE_INTERVAL_MS: '600000' });
  const child = await Child.start(side.label, side.script, env, side.flags);
  try {
    await new Promise((r) => setTimeout(r, 1500)); // let the worker's start-up passes (relay, reconciler) finish
    await queue.pause();
    const jobs = followUps.map((id) => ({ id: `${PREFIX}${id}`, followUpId: id }));
    await withDb((db) =>
      db.query(
        `INSERT INTO follow_up_job (job_id, organization_id, follow_up_id, job_name, payload, run_at)
         SELECT j, $1::uuid, f, 'follow-up.reminder', jsonb_build_object('organizationId', $4::text, 'followUpId', f::text), now()
         FROM unnest($2::text[], $3::uuid[]) AS t(j, f)`,
        [ORG_ID, jobs.map((j) => j.id), jobs.map((j) => j.followUpId), ORG_ID],
      ),
    );
    for (let i = 0; i < jobs.length; i += 1000) {
      await queue.addBulk(
        jobs.slice(i, i + 1000).map((j) => ({
          name: 'follow-up.reminder',
          data: { organizationId: ORG_ID, followUpId: j.followUpId },
          opts: { jobId: j.id, removeOnComplete: true, attempts: 3 },
        })),
      );
    }
    const cpu0 = child.cpuMs();
    const t0 = performance.now();
    await queue.resume();
    const deadline = t0 + 180_000;
    await withDb(async (db) => {
      for (;;) {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM follow_up_job WHERE job_id LIKE '${PREFIX}%' AND done_at IS NOT NULL`,
        );
        if (rows[0].n >= jobs.length) return;
        if (performance.now() > deadline)
          throw new Error(`${side.label}: only ${rows[0].n}/${jobs.length} jobs done in 180 s`);
        await new Promise((r) => setTimeout(r, 25));
      }
    });
    const seconds = (performance.now() - t0) / 1000;
    return { rate: jobs.length / seconds, cpuMsPerJob: (child.cpuMs() - cpu0) / jobs.length };
  } finally {
    await child.stop();
  }
}
