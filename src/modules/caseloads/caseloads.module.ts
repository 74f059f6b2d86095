import { Module } from '@nestjs/common';

import { CaseloadsController } from './caseloads.controller';
import { CaseloadsService } from './caseloads.service';

@Module({
  controllers: [CaseloadsController],
  providers: [CaseloadsService],
})
export class CaseloadsModule {}
