import { Module } from '@nestjs/common';

import { CaseloadRepository } from './caseload.repository';
import { CaseloadsController } from './caseloads.controller';
import { CaseloadsService } from './caseloads.service';

@Module({
  controllers: [CaseloadsController],
  providers: [CaseloadRepository, CaseloadsService],
})
export class CaseloadsModule {}
