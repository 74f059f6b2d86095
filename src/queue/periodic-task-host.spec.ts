import 'reflect-metadata';

import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';

import { Periodic } from '../common/periodic-task';
import { CONFIG } from '../config/config.module';
import { Config } from '../config/configuration';
import { PeriodicTaskHost } from './periodic-task-host';

@Injectable()
class Counter {
  passes = 0;

  @Periodic({ name: 'counter', every: (config) => config.app.outboxPollMs })
  async count(): Promise<'idle'> {
    this.passes++;
    return 'idle';
  }

  @Periodic({ name: 'switched off', every: () => 0 })
  async never(): Promise<'idle'> {
    throw new Error('a task with interval 0 must not run');
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PeriodicTaskHost', () => {
  it('should run every @Periodic method at its configured interval from start-up, and none after shutdown', async () => {
    const config = { app: { outboxPollMs: 10 } } as Config;
    const moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule],
      providers: [PeriodicTaskHost, Counter, { provide: CONFIG, useValue: config }],
    }).compile();
    const counter = moduleRef.get(Counter);
    expect(counter.passes).toBe(0);
    await moduleRef.init();
    const sut = moduleRef.get(PeriodicTaskHost);
    expect(sut.running()).toEqual(['counter']);
    await sleep(100);
    expect(counter.passes).toBeGreaterThanOrEqual(3);
    await moduleRef.close();
    const stoppedAt = counter.passes;
    await sleep(50);
    expect(counter.passes).toBe(stoppedAt);
    expect(sut.running()).toEqual([]);
  });
});
