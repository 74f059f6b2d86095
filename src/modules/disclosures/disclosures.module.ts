import { Module } from '@nestjs/common';

import { DisclosuresController } from './disclosures.controller';
import { DisclosureService } from './disclosures.service';

/** Part 2 disclosure accounting; DisclosureService is what every disclosing feature records with. */
@Module({
  controllers: [DisclosuresController],
  providers: [DisclosureService],
  exports: [DisclosureService],
})
export class DisclosuresModule {}
