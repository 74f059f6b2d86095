import { Injectable } from '@nestjs/common';

import { Periodic } from '../../common/periodic-task';
import { AuditSealerService } from './audit-sealer.service';

const SEAL_INTERVAL_MS = 500;

/** Worker only: keeps the audit hash chain sealed within about half a second of each commit. */
@Injectable()
export class AuditSealerWorker {
  constructor(private readonly sealer: AuditSealerService) {}

  @Periodic({ name: 'audit sealer', every: () => SEAL_INTERVAL_MS })
  async seal(): Promise<'more' | 'idle'> {
    return (await this.sealer.sealAll()) > 0 ? 'more' : 'idle';
  }
}
