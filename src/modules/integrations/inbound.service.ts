import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { ApiClientPrincipal } from '../../auth/principal';
import { isUniqueViolation } from '../../database/pg-errors';
import { UnitOfWork, WriteTx } from '../audit/unit-of-work';
import {
  ClientIdentifierConflictError,
  InboundClientService,
  InboundPerson,
} from '../clients/inbound-client.service';
import { assertPeriod, DischargesService } from '../discharges/discharges.service';
import { CreateDischargeDto, Recorded } from '../discharges/dto/discharge.dto';
import { NotificationsService } from '../notifications/notifications.service';
import { InboundDischargeResponse, InboundReferralDto, ReferralResponse } from './dto/inbound.dto';
import { IntegrationRepository, ReferralRow } from './integration.repository';

// Two senders creating the same new client race on its identifier's unique key: the loser's
// transaction rolls back and, run again, matches the winner's client. Twice is plenty.
const RACE_RETRIES = 2;

/**
 * Inbound discharges and referrals (SPEC 8 and 12), whatever their format (JSON, HL7 v2, FHIR):
 * the client is matched by identifier within the sender's organization or created in the
 * "needs assignment" queue, then the staff route's discharge bridge runs in the same transaction.
 */
@Injectable()
export class InboundService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clients: InboundClientService,
    private readonly discharges: DischargesService,
    private readonly notifications: NotificationsService,
    private readonly repo: IntegrationRepository,
  ) {}

  async discharge(
    sender: ApiClientPrincipal,
    person: InboundPerson,
    dto: CreateDischargeDto,
  ): Promise<Recorded<InboundDischargeResponse>> {
    const admittedAt = new Date(dto.admittedAt);
    const dischargedAt = new Date(dto.dischargedAt);
    assertPeriod(admittedAt, dischargedAt);
    return this.inTransaction(sender, (tx) => this.dischargeIn(tx, sender, person, dto));
  }

  /** The discharge inside a caller's transaction (the HL7 v2 and FHIR feeds add their message row). */
  async dischargeIn(
    tx: WriteTx,
    sender: ApiClientPrincipal,
    person: InboundPerson,
    dto: CreateDischargeDto,
  ): Promise<Recorded<InboundDischargeResponse>> {
    const admittedAt = new Date(dto.admittedAt);
    const dischargedAt = new Date(dto.dischargedAt);
    const { client, created: clientCreated } = await this.clients.matchOrCreate(
      tx,
      sender,
      person,
      'active',
    );
    const { created, body } = await this.discharges.bridge(tx, sender, client, {
      dto,
      admittedAt,
      dischargedAt,
      source: 'integration',
    });
    return { created, body: { ...body, clientCreated } };
  }

  async referral(
    sender: ApiClientPrincipal,
    dto: InboundReferralDto,
  ): Promise<Recorded<ReferralResponse>> {
    return this.inTransaction(sender, async (tx) => {
      const m = tx.manager;
      const { client, created: clientCreated } = await this.clients.matchOrCreate(
        tx,
        sender,
        dto.client,
        'referred',
      );
      const inserted = await this.repo.insertReferral(m, {
        organizationId: sender.organizationId,
        clientId: client.id,
        apiClientId: sender.id,
        facility: dto.facility,
        referredAt: new Date(dto.referredAt),
      });
      const referral = inserted ?? (await this.existingReferral(m, client.id, dto));
      if (inserted) await this.notifySupervisors(m, sender, referral);
      tx.audit({
        action: inserted ? 'referral.create' : 'referral.read',
        clientId: client.id,
        resourceType: 'Referral',
        resourceId: referral.id,
      });
      return { created: !!inserted, body: toReferralResponse(referral, clientCreated) };
    });
  }

  /** Runs `work` in a transaction, again when it lost a race to create the same new client. */
  async inTransaction<T>(
    sender: ApiClientPrincipal,
    work: (tx: WriteTx) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.uow.run(sender, work);
      } catch (err) {
        if (!isUniqueViolation(err, 'client_identifier_org_uq')) throw err;
        if (attempt >= RACE_RETRIES) throw new ClientIdentifierConflictError();
      }
    }
  }

  // The referral is the supervisors' task: the new person waits in their "needs assignment" queue.
  private async notifySupervisors(
    m: EntityManager,
    sender: ApiClientPrincipal,
    referral: ReferralRow,
  ): Promise<void> {
    const supervisorIds = await this.repo.organizationSupervisorIds(m, sender.organizationId);
    await this.notifications.notify(
      {
        organizationId: sender.organizationId,
        recipientIds: supervisorIds,
        kind: 'referral.received',
        dedupeKey: `referral:${referral.id}`,
        resourceType: 'Referral',
        resourceId: referral.id,
        clientId: referral.client_id,
      },
      m,
    );
  }

  private async existingReferral(
    m: EntityManager,
    clientId: string,
    dto: InboundReferralDto,
  ): Promise<ReferralRow> {
    return this.repo.findReferral(m, clientId, dto.facility, new Date(dto.referredAt));
  }
}

function toReferralResponse(r: ReferralRow, clientCreated: boolean): ReferralResponse {
  return {
    id: r.id,
    clientId: r.client_id,
    clientCreated,
    facility: r.facility,
    referredAt: r.referred_at.toISOString(),
    createdAt: r.created_at.toISOString(),
  };
}
