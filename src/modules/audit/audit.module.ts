import { Module } from '@nestjs/common';

import { AuditQueryService } from './audit-query.service';
import { AuditController } from './audit.controller';

/** The API's audit routes (the audit trail and its verification); AuditCoreModule records. */
@Module({
  controllers: [AuditController],
  providers: [AuditQueryService],
})
export class AuditModule {}
