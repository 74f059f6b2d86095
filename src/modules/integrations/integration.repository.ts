import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { organizationSupervisorIds } from '../../auth/access/scope.sql';

export interface ReferralRow {
  id: string;
  client_id: string;
  facility: string;
  referred_at: Date;
  created_at: Date;
}

/** A referral's natural key: one per client, facility and instant. */
export interface ReferralKey {
  organizationId: string;
  clientId: string;
  apiClientId: string;
  facility: string;
  referredAt: Date;
}

/** The HL7 v2 message's identity: the sender's control id, once per sender. */
export interface InboundMessageKey {
  organizationId: string;
  apiClientId: string;
  sender: string;
  controlId: string;
  event: string;
}

/**
 * The integrations module's data access: inbound referrals and inbound messages. Every method
 * runs in the caller's transaction (the inbound feeds write in one unit of work).
 */
@Injectable()
export class IntegrationRepository {
  /** The new referral, or undefined when the same one was received before. */
  async insertReferral(manager: EntityManager, r: ReferralKey): Promise<ReferralRow | undefined> {
    const [inserted]: ReferralRow[] = await manager.query(
      `INSERT INTO referral (organization_id, client_id, api_client_id, facility, referred_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT ON CONSTRAINT referral_once_uq DO NOTHING RETURNING *`,
      [r.organizationId, r.clientId, r.apiClientId, r.facility, r.referredAt],
    );
    return inserted;
  }

  async findReferral(
    manager: EntityManager,
    clientId: string,
    facility: string,
    referredAt: Date,
  ): Promise<ReferralRow> {
    const [row]: ReferralRow[] = await manager.query(
      `SELECT * FROM referral WHERE client_id = $1 AND facility = $2 AND referred_at = $3`,
      [clientId, facility, referredAt],
    );
    return row;
  }

  async organizationSupervisorIds(
    manager: EntityManager,
    organizationId: string,
  ): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(organizationSupervisorIds('$1'), [
      organizationId,
    ]);
    return rows.map((r) => r.id);
  }

  /** The HL7 v2 message's row, or undefined when this sender's control id was seen before. */
  async claimHl7Message(manager: EntityManager, k: InboundMessageKey): Promise<string | undefined> {
    const [row]: { id: string }[] = await manager.query(
      `INSERT INTO inbound_message (organization_id, api_client_id, format, sender, control_id, event, outcome)
       VALUES ($1, $2, 'hl7v2', $3, $4, $5, 'accepted')
       ON CONFLICT ON CONSTRAINT inbound_message_once_uq DO NOTHING RETURNING id`,
      [k.organizationId, k.apiClientId, k.sender, k.controlId, k.event],
    );
    return row?.id;
  }

  /** Links an inbound message to the client and discharge it made. */
  async linkMessage(
    manager: EntityManager,
    messageId: string,
    clientId: string,
    dischargeId: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE inbound_message SET client_id = $2, discharge_id = $3 WHERE id = $1`,
      [messageId, clientId, dischargeId],
    );
  }
}
