import 'reflect-metadata';

import { Injectable, Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { Job } from 'bullmq';

import { JobHandler } from './job-handler.decorator';
import { JobHandlerRegistry } from './job-handler-registry';
import { JobName, JobPayloads } from './jobs';

@Injectable()
class FollowUpHandlers {
  @JobHandler(JobName.FollowUpReminder)
  async remind(payload: JobPayloads[JobName.FollowUpReminder], job: Job): Promise<string> {
    return `reminded ${payload.followUpId} (job ${job.id})`;
  }

  @JobHandler(JobName.FollowUpEscalation)
  async escalate(payload: JobPayloads[JobName.FollowUpEscalation]): Promise<string> {
    return `escalated ${payload.followUpId}: ${payload.reason}`;
  }
}

@Injectable()
class SecondReminderHandler {
  @JobHandler(JobName.FollowUpReminder)
  async remindAgain(): Promise<string> {
    return 'twice';
  }
}

/** A provider handling `names`, one method each (the jobs these tests are not about). */
function handlersOf(className: string, names: JobName[]): Type {
  const cls = class {};
  Object.defineProperty(cls, 'name', { value: className });
  for (const name of names) {
    const descriptor = { value: async () => name, writable: true, configurable: true };
    Object.defineProperty(cls.prototype, name, descriptor);
    JobHandler(name)(cls.prototype, name, descriptor);
  }
  return cls;
}

const OTHER_JOBS = Object.values(JobName).filter(
  (name) => name !== JobName.FollowUpReminder && name !== JobName.FollowUpEscalation,
);

async function startWith(...providers: Type[]): Promise<JobHandlerRegistry> {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [JobHandlerRegistry, ...providers],
  }).compile();
  await moduleRef.init();
  return moduleRef.get(JobHandlerRegistry);
}

const job = (name: string, data: object, id = 'job-1') => ({ name, data, id }) as unknown as Job;

describe('JobHandlerRegistry', () => {
  it('should find one handler per job at start-up and run each job with its own, given the payload and the job', async () => {
    const sut = await startWith(FollowUpHandlers, handlersOf('OtherHandlers', OTHER_JOBS));
    expect(sut.handledJobs().sort()).toEqual(Object.values(JobName).sort());
    const payload = { organizationId: 'o', followUpId: 'f' };
    await expect(sut.run(job(JobName.FollowUpReminder, payload, 'r-1'))).resolves.toBe(
      'reminded f (job r-1)',
    );
    await expect(
      sut.run(job(JobName.FollowUpEscalation, { ...payload, reason: 'unreachable' })),
    ).resolves.toBe('escalated f: unreachable');
    await expect(sut.run(job(JobName.ScanNoContact, {}))).resolves.toBe(JobName.ScanNoContact);
  });

  it('should refuse to start when a job has no handler, naming the job', async () => {
    const otherJobs = handlersOf(
      'OtherHandlers',
      OTHER_JOBS.filter((name) => name !== JobName.ScanConsentExpiry),
    );
    await expect(startWith(FollowUpHandlers, otherJobs)).rejects.toThrow(
      'The worker cannot start: no handler for scan.consent-expiry',
    );
    await expect(startWith(handlersOf('OtherHandlers', OTHER_JOBS))).rejects.toThrow(
      'The worker cannot start: no handler for follow-up.reminder, follow-up.escalation',
    );
  });

  it('should refuse to start when a job has two handlers, naming both', async () => {
    await expect(
      startWith(FollowUpHandlers, SecondReminderHandler, handlersOf('OtherHandlers', OTHER_JOBS)),
    ).rejects.toThrow(
      'The worker cannot start: several handlers for follow-up.reminder: ' +
        'FollowUpHandlers.remind, SecondReminderHandler.remindAgain',
    );
  });

  it('should fail a job whose name no handler knows (BullMQ retries it, then keeps it failed)', async () => {
    const sut = await startWith(FollowUpHandlers, handlersOf('OtherHandlers', OTHER_JOBS));
    await expect(sut.run(job('follow-up.unknown', {}))).rejects.toThrow(
      'No handler for job follow-up.unknown',
    );
  });
});
