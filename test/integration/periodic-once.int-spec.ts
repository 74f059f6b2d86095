import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';

import { resetConfigCache } from '../../src/config/configuration';
import { AuditSealerService } from '../../src/modules/audit/audit-sealer.service';
import { ScheduledScansService } from '../../src/modules/scheduled-scans/scheduled-scans.service';
import { JobName, QueueName } from '../../src/queue/jobs';
import { createWorker } from '../../src/worker';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { eventually } from '../helpers/eventually';
import { createTestApp, TestApp } from '../setup/create-test-app';

const INTERVAL_MS = 1000;
const WINDOW_MS = 6000;
const SCANS = {
  [JobName.ScanCertificationExpiry]: 'certificationExpiry',
  [JobName.ScanPlanReviewDue]: 'planReviewDue',
  [JobName.ScanRecoveryMilestones]: 'recoveryMilestones',
  [JobName.ScanNoContact]: 'noContact',
  [JobName.ScanConsentExpiry]: 'consentExpiry',
} as const;
type ScanMethod = (typeof SCANS)[keyof typeof SCANS];

/**
 * Issue 17 point 4: with two workers on one Redis and one database, each periodic scan runs once
 * per tick in all (a BullMQ job scheduler is one per queue, not one per worker), and every audit
 * event is sealed once although both workers run the sealer (its per-organization lock).
 */
describe('periodic work across two workers (integration)', () => {
  let t: TestApp;
  let org: TestOrg;
  const workers: INestApplicationContext[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    org = await createTestOrg(t.app);
    process.env.SCHEDULED_SCAN_INTERVAL_MS = String(INTERVAL_MS);
    resetConfigCache();
    workers.push(await createWorker(), await createWorker());
  }, 60_000);
  afterAll(async () => {
    const queue = workers[0].get<Queue>(getQueueToken(QueueName.ScheduledScans), { strict: false });
    // Back to the hourly schedulers the other files expect; no 1-second scheduler left behind.
    for (const name of Object.keys(SCANS)) await queue.removeJobScheduler(name);
    for (const w of workers) await w.close();
    await t.close();
    delete process.env.SCHEDULED_SCAN_INTERVAL_MS;
    resetConfigCache();
  });

  it('should run each scan once per tick across both workers, not once per worker', async () => {
    const calls = new Map<ScanMethod, number[]>();
    const perWorker = [0, 0];
    let counting = false;
    workers.forEach((worker, i) => {
      const scans = worker.get(ScheduledScansService);
      for (const method of Object.values(SCANS)) {
        const original = scans[method].bind(scans);
        jest.spyOn(scans, method).mockImplementation(async () => {
          if (counting) {
            calls.set(method, [...(calls.get(method) ?? []), i]);
            perWorker[i]++;
          }
          return original();
        });
      }
    });
    const started = Date.now();
    counting = true;
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    counting = false;
    const ticks = (Date.now() - started) / INTERVAL_MS;
    for (const method of Object.values(SCANS)) {
      const n = calls.get(method)?.length ?? 0;
      // One job per slot of the window (a slot due at its very start may add one); twice as many
      // (one per worker) would be about 2 × ticks.
      expect({ method, n, atMostOnePerTick: n <= Math.ceil(ticks) + 1 }).toEqual({
        method,
        n,
        atMostOnePerTick: true,
      });
      expect(n).toBeGreaterThanOrEqual(Math.floor(ticks) - 2);
    }
    // Both workers took scan jobs: the count above is across two live consumers.
    expect(perWorker.every((n) => n > 0)).toBe(true);
  }, 30_000);

  it('should seal every audit event once although both workers run the sealer', async () => {
    const sealedBy = [0, 0];
    const passes = [0, 0];
    workers.forEach((worker, i) => {
      const sealer = worker.get(AuditSealerService);
      const original = sealer.sealOrganization.bind(sealer);
      jest.spyOn(sealer, 'sealOrganization').mockImplementation(async (organizationId) => {
        const sealed = await original(organizationId);
        if (organizationId === org.id) {
          sealedBy[i] += sealed;
          passes[i]++;
        }
        return sealed;
      });
    });
    const [{ before }] = await t.dataSource.query(
      `SELECT count(*)::int AS before FROM audit_event WHERE organization_id = $1`,
      [org.id],
    );
    // Unsealed events arrive in bursts while both sealers poll.
    const EVENTS = 400;
    for (let burst = 0; burst < 8; burst++) {
      await t.dataSource.query(
        `INSERT INTO audit_event (organization_id, actor_type, action, resource_type, outcome)
         SELECT $1, 'system', 'periodic-once.test', 'test', 'success' FROM generate_series(1, $2)`,
        [org.id, EVENTS / 8],
      );
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await eventually(async () => {
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_event WHERE organization_id = $1 AND seq IS NULL`,
        [org.id],
      );
      return n === 0 ? true : undefined;
    }, 15_000);
    const [chain] = await t.dataSource.query(
      `SELECT count(*)::int AS n, count(DISTINCT seq)::int AS seqs, min(seq)::int AS lo, max(seq)::int AS hi
       FROM audit_event WHERE organization_id = $1`,
      [org.id],
    );
    expect(chain).toEqual({
      n: before + EVENTS,
      seqs: before + EVENTS,
      lo: 1,
      hi: before + EVENTS,
    });
    // Each new event was sealed by exactly one worker's pass: what the two sealed adds up to the
    // new events (plus, at most, the org's earlier events if they were still unsealed).
    const newlySealed = sealedBy[0] + sealedBy[1];
    expect(newlySealed).toBeGreaterThanOrEqual(EVENTS);
    expect(newlySealed).toBeLessThanOrEqual(EVENTS + before);
    expect(passes.every((n) => n > 0)).toBe(true);
  }, 30_000);
});
