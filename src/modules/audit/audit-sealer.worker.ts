import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';

import { PeriodicTask } from '../../common/periodic-task';
import { AuditSealerService } from './audit-sealer.service';

const SEAL_INTERVAL_MS = 500;

/** Worker only: keeps the audit hash chain sealed within about half a second of each commit. */
@Injectable()
export class AuditSealerWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(sealer: AuditSealerService) {
    this.task = new PeriodicTask(
      'audit sealer',
      async () => ((await sealer.sealAll()) > 0 ? 'more' : 'idle'),
      SEAL_INTERVAL_MS,
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }
}
