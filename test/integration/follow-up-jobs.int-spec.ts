import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import request from 'supertest';

import { resetConfigCache } from '../../src/config/configuration';
import { FollowUpJobsService } from '../../src/modules/follow-ups/follow-up-jobs.service';
import { FollowUpReconcilerService } from '../../src/modules/follow-ups/follow-up-reconciler.service';
import { JobName, QueueName } from '../../src/queue/jobs';
import { assertNoEviction, createWorker } from '../../src/worker';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createClient } from '../factories/client.factory';
import { dischargeBody } from '../factories/discharge.factory';
import { createTestOrg, TestOrg } from '../factories/people.factory';
import { eventually } from '../helpers/eventually';
import { RedisServer } from '../helpers/redis-server';
import { TEST_ENV } from '../setup/test-env';

const HOUR = 3600_000;

describe('follow-up jobs in the worker (integration)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let org: TestOrg;
  let sut: FollowUpJobsService;

  const discharge = async (clientId: string, over: Record<string, unknown> = {}) =>
    (
      await request(t.app.getHttpServer())
        .post(`/api/v1/clients/${clientId}/discharges`)
        .auth(org.supervisorA.token, { type: 'bearer' })
        .send(dischargeBody(over))
        .expect(201)
    ).body;
  const jobOf = async (followUpId: string, name: JobName) =>
    (
      await t.dataSource.query(
        `SELECT job_id, payload, done_at FROM follow_up_job WHERE follow_up_id = $1 AND job_name = $2`,
        [followUpId, name],
      )
    )[0];
  const notifications = (resourceId: string, kind: string) =>
    t.dataSource.query(
      `SELECT recipient_id FROM notification WHERE resource_id = $1 AND kind = $2 ORDER BY recipient_id`,
      [resourceId, kind],
    );

  beforeAll(async () => {
    t = await createTestApp();
    worker = await createWorker();
    org = await createTestOrg(t.app);
    sut = worker.get(FollowUpJobsService);
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  it('should remind the owner once when the reminder is delivered twice, even after a crash before its bookkeeping', async () => {
    const client = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    const [handoff] = (await discharge(client)).followUps;
    const job = await jobOf(handoff.id, JobName.FollowUpReminder);
    expect(await sut.remind(job.job_id, job.payload)).toBe('done');
    expect(await sut.remind(job.job_id, job.payload)).toBe('skipped');
    // As if the worker died after notifying and before marking the job done:
    await t.dataSource.query(`UPDATE follow_up_job SET done_at = NULL WHERE job_id = $1`, [
      job.job_id,
    ]);
    expect(await sut.remind(job.job_id, job.payload)).toBe('done');
    expect(await notifications(handoff.id, 'follow-up.reminder')).toEqual([
      { recipient_id: org.peerA1.id },
    ]);
  });

  it('should return quietly when the task was completed before its reminder ran', async () => {
    const client = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    const [handoff] = (await discharge(client)).followUps;
    await t.dataSource.query(
      `UPDATE follow_up SET status = 'completed', completed_at = now() WHERE id = $1`,
      [handoff.id],
    );
    const job = await jobOf(handoff.id, JobName.FollowUpReminder);
    expect(await sut.remind(job.job_id, job.payload)).toBe('skipped');
    expect(await notifications(handoff.id, 'follow-up.reminder')).toEqual([]);
  });

  it('should remind the organization’s supervisors when the task needs assignment', async () => {
    const client = await createClient(t.dataSource, { organizationId: org.id });
    const [handoff] = (await discharge(client)).followUps;
    const job = await jobOf(handoff.id, JobName.FollowUpReminder);
    await sut.remind(job.job_id, job.payload);
    const expected = [org.supervisorA.id, org.supervisorB.id]
      .sort()
      .map((id) => ({ recipient_id: id }));
    expect(await notifications(handoff.id, 'follow-up.reminder')).toEqual(expected);
  });

  it('should escalate an overdue task to the owner’s team supervisors through the relay and BullMQ', async () => {
    const client = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    const dischargedAt = new Date(Date.now() - 30 * HOUR);
    const body = await discharge(client, {
      levelOfCare: 'emergency_department',
      dischargedAt: dischargedAt.toISOString(),
      admittedAt: new Date(dischargedAt.getTime() - HOUR).toISOString(),
    });
    const handoff = body.followUps.find((f: { label: string }) => f.label === 'warm-handoff');
    const rows = await eventually(async () => {
      const r = await notifications(handoff.id, 'follow-up.overdue');
      return r.length > 0 ? r : undefined;
    });
    expect(rows).toEqual([{ recipient_id: org.supervisorA.id }]);
    const job = await eventually(async () => {
      const j = await jobOf(handoff.id, JobName.FollowUpEscalation);
      return j.done_at ? j : undefined;
    });
    expect(job.done_at).toBeInstanceOf(Date);
    // Not yet overdue: day-2's window is still open, so a premature delivery is skipped.
    const day2 = body.followUps.find((f: { label: string }) => f.label === 'day-2');
    const early = await jobOf(day2.id, JobName.FollowUpEscalation);
    expect(await sut.escalate(early.job_id, early.payload)).toBe('skipped');
  });

  it('should still escalate "unable to reach" to the supervisors after the task was closed as failed', async () => {
    const client = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA1.id,
    });
    const [handoff] = (await discharge(client)).followUps;
    const act = (path: string, body: object) =>
      request(t.app.getHttpServer())
        .post(`/api/v1/follow-ups/${handoff.id}/${path}`)
        .auth(org.peerA1.token, { type: 'bearer' })
        .send(body)
        .expect(200);
    for (let i = 0; i < 3; i++)
      await act('attempts', { method: 'phone', outcome: 'unable_to_reach' });
    await act('complete', { outcome: 'unreachable' });
    const rows = await eventually(async () => {
      const r = await notifications(handoff.id, 'follow-up.unreachable');
      return r.length > 0 ? r : undefined;
    });
    expect(rows).toEqual([{ recipient_id: org.supervisorA.id }]);
    const [unreachable] = await t.dataSource.query(
      `SELECT job_id, payload, done_at FROM follow_up_job WHERE job_id = $1`,
      [`followup-unreachable.${handoff.id}`],
    );
    await eventually(async () => {
      const [r] = await t.dataSource.query(`SELECT done_at FROM follow_up_job WHERE job_id = $1`, [
        unreachable.job_id,
      ]);
      return r.done_at ?? undefined;
    });
    // Delivered again: one effect.
    expect(await sut.escalate(unreachable.job_id, unreachable.payload)).toBe('skipped');
    expect(await notifications(handoff.id, 'follow-up.unreachable')).toEqual([
      { recipient_id: org.supervisorA.id },
    ]);
  });

  it('should re-create a pending job that Redis lost when the reconciler runs', async () => {
    const client = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA2.id,
    });
    const [handoff] = (await discharge(client)).followUps;
    const job = await jobOf(handoff.id, JobName.FollowUpReminder);
    const queue = worker.get<Queue>(getQueueToken(QueueName.FollowUps), { strict: false });
    await eventually(async () => ((await queue.getJob(job.job_id)) ? true : undefined));
    await (await queue.getJob(job.job_id))!.remove();
    expect(await queue.getJob(job.job_id)).toBeUndefined();
    expect(await worker.get(FollowUpReconcilerService).reconcileOnce()).toBeGreaterThanOrEqual(1);
    const restored = await queue.getJob(job.job_id);
    expect(restored).toMatchObject({
      id: job.job_id,
      name: JobName.FollowUpReminder,
      data: job.payload,
    });
    expect(await restored!.getState()).toBe('delayed');
  });

  it('should not replace a job that finished with its effect after the reconciler read its row', async () => {
    const client = await createClient(t.dataSource, {
      organizationId: org.id,
      specialistId: org.peerA2.id,
    });
    const [handoff] = (await discharge(client)).followUps;
    const queue = worker.get<Queue>(getQueueToken(QueueName.FollowUps), { strict: false });
    const [row] = await t.dataSource.query(
      `SELECT job_id, job_name, payload, run_at FROM follow_up_job WHERE follow_up_id = $1 AND job_name = $2`,
      [handoff.id, JobName.FollowUpReminder],
    );
    // The pass has read the row; meanwhile the job runs now and has its effect.
    await eventually(async () => ((await queue.getJob(row.job_id)) ? true : undefined));
    await (await queue.getJob(row.job_id))!.remove();
    await queue.add(row.job_name, row.payload, { jobId: row.job_id });
    await eventually(async () =>
      (await queue.getJobState(row.job_id)) === 'completed' ? true : undefined,
    );
    // Fetched after completing: a job read while active has no return value yet.
    expect((await queue.getJob(row.job_id))?.returnvalue).toBe('done');

    expect(await worker.get(FollowUpReconcilerService)['reconcileRows']([row])).toBe(0);
    const after = await queue.getJob(row.job_id);
    expect(await after!.getState()).toBe('completed');
    expect(after!.returnvalue).toBe('done');
    expect(await notifications(handoff.id, 'follow-up.reminder')).toEqual([
      { recipient_id: org.peerA2.id },
    ]);
  });

  describe('when Redis may evict keys', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await RedisServer.start(['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru']);
    });
    afterAll(async () => {
      await redis.stop();
      process.env.REDIS_URL = TEST_ENV.REDIS_URL;
      resetConfigCache();
    });

    it('should refuse to start the worker when maxmemory-policy is not noeviction', async () => {
      await expect(assertNoEviction({ url: redis.url })).rejects.toThrow(
        'Redis maxmemory-policy is "allkeys-lru"; the worker requires "noeviction"',
      );
      process.env.REDIS_URL = redis.url;
      resetConfigCache();
      await expect(createWorker()).rejects.toThrow('the worker requires "noeviction"');
      await expect(assertNoEviction({ url: TEST_ENV.REDIS_URL })).resolves.toBeUndefined();
    });
  });
});
