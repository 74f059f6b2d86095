import { get } from 'node:http';

import { BENCH } from '../lib/config';
import { ScenarioResult } from '../lib/compare';
import { request } from '../lib/load';
import { withDb } from '../lib/seed';
import { round } from '../lib/stats';
import { BenchContext, Scenario } from './context';

const ROWS = 1_000_000;
const ACTION = 'bench.csv-export';
const ADMIN_EMAIL = 'admin@bench.test';

/** A bench admin (the audit export is theirs), with the bench password of the first supervisor. */
async function ensureAdmin(ctx: BenchContext): Promise<void> {
  await withDb(async (db) => {
    await db.query(
      `INSERT INTO app_user (organization_id, email, password_hash, first_name, last_name, role)
       SELECT organization_id, $2, password_hash, 'Bench', 'Admin', 'admin' FROM app_user WHERE id = $1
       ON CONFLICT DO NOTHING`,
      [ctx.data.supervisors[0].id, ADMIN_EMAIL],
    );
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE organization_id = $1 AND action = $2`,
      [ctx.data.organizationId, ACTION],
    );
    if (rows[0].n >= ROWS) return;
    await db.query(
      `INSERT INTO audit_event (organization_id, actor_type, action, outcome, resource_type, resource_id)
       SELECT $1, 'system', $2, 'success', 'Bench', g::text FROM generate_series($3::int + 1, $4) g`,
      [ctx.data.organizationId, ACTION, rows[0].n, ROWS],
    );
    await db.query('VACUUM ANALYZE audit_event');
  });
}

/**
 * S8: one admin downloads the audit search of 1,000,000 events as CSV (`Accept: text/csv`),
 * reading as fast as it can, while the API's RSS is sampled every 100 ms: before the request,
 * during the download (the peak) and 2 s after. Streamed through a cursor, the peak stays near the
 * idle RSS however many rows there are.
 */
export const s8CsvExport: Scenario = {
  name: 'S8 CSV export of 1,000,000 audit events',
  target: 'every row, RSS peak < idle + 64 MB',
  async unavailable() {
    return undefined;
  },
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    await ensureAdmin(ctx);
    const login = await request(ctx.service.port, {
      method: 'POST',
      path: '/api/v1/auth/login',
      body: { email: ADMIN_EMAIL, password: BENCH.password },
    });
    const token = (login.body as { accessToken?: string }).accessToken;
    if (!token) throw new Error(`admin login failed: ${login.status}`);
    await new Promise((r) => setTimeout(r, 2000));
    const before = ctx.service.child.rssMb();
    let peak = before;
    const samples: number[] = [];
    const timer = setInterval(() => {
      const rss = ctx.service.child.rssMb();
      samples.push(rss);
      peak = Math.max(peak, rss);
    }, 100);
    const started = Date.now();
    const download = new Promise<{
      status: number;
      bytes: number;
      lines: number;
      firstByteMs: number;
    }>((resolve, reject) => {
      const req = get(
        {
          host: '127.0.0.1',
          port: ctx.service.port,
          path: `/api/v1/audit-events?action=${ACTION}`,
          headers: { accept: 'text/csv', authorization: `Bearer ${token}` },
        },
        (res) => {
          let bytes = 0;
          let lines = 0;
          let firstByteMs = -1;
          res.on('data', (chunk: Buffer) => {
            if (firstByteMs < 0) firstByteMs = Date.now() - started;
            bytes += chunk.length;
            for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, lines, firstByteMs }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
    });
    const { status, bytes, lines, firstByteMs } = await download.finally(() =>
      clearInterval(timer),
    );
    const ms = Date.now() - started;
    await new Promise((r) => setTimeout(r, 2000));
    const after = ctx.service.child.rssMb();
    const rows = lines - 1; // the header
    return {
      scenario: this.name,
      ratio: null,
      target: this.target,
      p50Ms: ms,
      p99Ms: null,
      rps: round((rows / ms) * 1000, 0),
      baselineRps: null,
      pass: status === 200 && rows === ROWS && peak < before + 64,
      measured: true,
      notes: [
        `HTTP ${status}, ${rows.toLocaleString()} rows, ${round(bytes / 1048576, 1)} MiB in ${round(ms / 1000, 1)} s (first byte after ${firstByteMs} ms); "req/s" is rows/s`,
        `API RSS before ${round(before, 1)} MB, peak during ${round(peak, 1)} MB, after ${round(after, 1)} MB`,
        `RSS during (MB, every ~${Math.max(1, Math.round(samples.length / 20))} samples of 100 ms): ${samples
          .filter((_s, i) => i % Math.max(1, Math.round(samples.length / 20)) === 0)
          .map((s) => round(s, 0))
          .join(' ')}`,
      ],
    };
  },
};
