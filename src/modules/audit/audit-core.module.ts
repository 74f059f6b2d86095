import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AuditEvent } from './audit-event.entity';
import { AuditSealerService } from './audit-sealer.service';
import { AuditService } from './audit.service';
import { UnitOfWork } from './unit-of-work';

/** Recording and sealing audit events, and the unit of work every write runs in, shared by the API and the worker (no controller). */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent])],
  providers: [AuditService, AuditSealerService, UnitOfWork],
  exports: [AuditService, AuditSealerService, UnitOfWork],
})
export class AuditCoreModule {}
