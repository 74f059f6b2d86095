import { Module } from '@nestjs/common';

import { ConsentActionsController } from './consent-actions.controller';
import { ConsentsController } from './consents.controller';
import { ConsentsService } from './consents.service';

@Module({
  controllers: [ConsentsController, ConsentActionsController],
  providers: [ConsentsService],
})
export class ConsentsModule {}
