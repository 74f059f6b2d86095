import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AuditEvent } from './audit-event.entity';
import { AuditSealerService } from './audit-sealer.service';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { UnitOfWork } from './unit-of-work';

/** Recording and sealing audit events, and the unit of work every write runs in, shared by the API and the worker (no controller); AuditRepository is the audit routes' and workers' data access. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent])],
  providers: [AuditService, AuditSealerService, UnitOfWork, AuditRepository],
  exports: [AuditService, AuditSealerService, UnitOfWork, AuditRepository],
})
export class AuditCoreModule {}
