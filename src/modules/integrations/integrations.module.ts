import { Module } from '@nestjs/common';

import { ClientsModule } from '../clients/clients.module';
import { DischargesModule } from '../discharges/discharges.module';
import { NotificationsCoreModule } from '../notifications/notifications-core.module';
import { InboundController } from './inbound.controller';
import { InboundService } from './inbound.service';

/** Inbound discharges and referrals from API clients (SPEC 8 and 12). */
@Module({
  imports: [ClientsModule, DischargesModule, NotificationsCoreModule],
  controllers: [InboundController],
  providers: [InboundService],
  exports: [InboundService],
})
export class IntegrationsModule {}
