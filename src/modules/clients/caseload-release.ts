import { Injectable } from '@nestjs/common';

import { UserPrincipal } from '../../auth/principal';
import { WriteTx } from '../audit/unit-of-work';
import { ClientRepository } from './client.repository';

/**
 * Deactivating a specialist (SPEC section 4): their open clients need reassignment, their open
 * follow-ups return to the queue and their coverage ends. Runs in the deactivation's transaction.
 */
@Injectable()
export class CaseloadRelease {
  constructor(private readonly clients: ClientRepository) {}

  async release(tx: WriteTx, actor: UserPrincipal, specialistId: string): Promise<void> {
    const released = await this.clients.releaseCaseload(tx.manager, specialistId, actor.id);
    for (const id of released) {
      tx.audit({
        action: 'client.release',
        clientId: id,
        resourceType: 'Client',
        resourceId: id,
      });
    }
  }
}
