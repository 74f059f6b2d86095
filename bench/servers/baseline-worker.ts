import { failed, ready } from './instrument';

import { Worker } from 'bullmq';
import { Pool } from 'pg';

import { loadConfig } from '../../src/config/configuration';
import { bullConnection } from '../../src/queue/redis-connection';

/**
 * The raw worker baseline: a bare BullMQ Worker on the follow-ups queue, with the service's
 * concurrency, running the statements of FollowUpJobsService.remind through raw pg.
 */
const pool = new Pool({
  connectionString: loadConfig().db.appUrl, // the service's login role
  max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
});

interface Task {
  id: string;
  organization_id: string;
  client_id: string;
  owner_id: string | null;
  label: string;
  due_at: Date;
  open: boolean;
  done_at: Date | null;
}

async function remind(jobId: string, data: { followUpId: string }): Promise<string> {
  const { rows } = await pool.query(
    `SELECT f.id, f.organization_id, f.client_id, f.owner_id, f.label, f.due_at, f.window_end,
            f.status IN ('requested', 'ready', 'in-progress') AS open, j.done_at
     FROM follow_up f JOIN follow_up_job j ON j.follow_up_id = f.id AND j.job_id = $1
     WHERE f.id = $2`,
    [jobId, data.followUpId],
  );
  const t = rows[0] as Task | undefined;
  if (!t?.open || t.done_at || !t.owner_id) return 'skipped';
  await pool.query(
    `INSERT INTO notification (organization_id, recipient_id, kind, resource_type, resource_id, client_id, data, dedupe_key)
     VALUES ($1, $2, 'follow-up.reminder', 'FollowUp', $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id`,
    [
      t.organization_id,
      t.owner_id,
      t.id,
      t.client_id,
      JSON.stringify({ label: t.label, dueAt: t.due_at.toISOString() }),
      `follow-up-reminder|${t.id}|${t.due_at.toISOString()}|${t.owner_id}`,
    ],
  );
  await pool.query(
    `UPDATE follow_up_job SET done_at = now() WHERE job_id = $1 AND done_at IS NULL`,
    [jobId],
  );
  return 'done';
}

const worker = new Worker(
  'follow-ups',
  (job) => remind(job.id ?? '', job.data as { followUpId: string }),
  {
    connection: bullConnection({ url: process.env.REDIS_URL ?? '' }),
    prefix: process.env.QUEUE_PREFIX,
    concurrency: Number(process.env.BENCH_WORKER_CONCURRENCY ?? 5),
  },
);
worker.on('error', (err) => console.error(err.message));
worker.waitUntilReady().then(ready, failed);

process.on('SIGTERM', () => {
  void worker
    .close()
    .then(() => pool.end())
    .then(() => process.exit(0));
});
