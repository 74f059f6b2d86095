import { Module } from '@nestjs/common';

import { DisclosureRepository } from './disclosure.repository';
import { DisclosureService } from './disclosures.service';

/**
 * Part 2 disclosure accounting, providers only: what every disclosing feature records with (the
 * FHIR facade in the API, webhook delivery in the worker), without the HTTP controller.
 */
@Module({
  providers: [DisclosureService, DisclosureRepository],
  exports: [DisclosureService],
})
export class DisclosureAccountingModule {}
