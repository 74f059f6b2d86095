import { Module } from '@nestjs/common';

import { ConsentRepository } from './consent.repository';
import { ConsentActionsController } from './consent-actions.controller';
import { ConsentsController } from './consents.controller';
import { ConsentsService } from './consents.service';

@Module({
  controllers: [ConsentsController, ConsentActionsController],
  providers: [ConsentRepository, ConsentsService],
})
export class ConsentsModule {}
