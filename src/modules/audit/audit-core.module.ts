import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AuditEvent } from './audit-event.entity';
import { AuditSealerService } from './audit-sealer.service';
import { AuditService } from './audit.service';

/** Recording and sealing audit events, shared by the API and the worker (no controller). */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEvent])],
  providers: [AuditService, AuditSealerService],
  exports: [AuditService, AuditSealerService],
})
export class AuditCoreModule {}
