import { Module } from '@nestjs/common';

import { DisclosureAccountingModule } from './disclosure-accounting.module';
import { DisclosuresController } from './disclosures.controller';

/** GET /api/v1/clients/:id/disclosures (the records come from DisclosureAccountingModule). */
@Module({
  imports: [DisclosureAccountingModule],
  controllers: [DisclosuresController],
})
export class DisclosuresModule {}
