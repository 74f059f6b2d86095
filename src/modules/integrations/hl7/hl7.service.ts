import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { ApiClientPrincipal } from '../../../auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { assertPeriod } from '../../discharges/discharges.service';
import { InboundService } from '../inbound.service';
import { IntegrationRepository } from '../integration.repository';
import {
  AdtHeader,
  Hl7ErrorCode,
  Hl7Rejection,
  parseEr7,
  readDischarge,
  readHeader,
} from './adt-message';
import { ackOf, ackWithoutHeader } from './hl7-ack';

/**
 * The HL7 v2 ADT feed (SPEC 8): A03 starts the discharge bridge, A01/A04 are recorded. A control
 * id (MSH-10) a sender used before is acknowledged again without a second effect: the message row
 * is inserted first, under its unique key, in the transaction of the effect.
 */
@Injectable()
export class Hl7Service {
  private readonly logger = new Logger(Hl7Service.name);

  constructor(
    private readonly inbound: InboundService,
    private readonly repo: IntegrationRepository,
  ) {}

  /** The ER7 ACK of `text`: never throws for a message it could read. */
  async receive(sender: ApiClientPrincipal, text: string): Promise<string> {
    let message;
    try {
      message = parseEr7(text);
    } catch (err) {
      if (err instanceof Hl7Rejection) return ackWithoutHeader(err);
      throw err;
    }
    try {
      const header = readHeader(message);
      const discharge = header.event === 'A03' ? readDischarge(message) : undefined;
      if (discharge) assertPeriod(new Date(discharge.admittedAt), new Date(discharge.dischargedAt));
      await this.inbound.inTransaction(sender, async (tx) => {
        const m = tx.manager;
        const messageId = await this.claim(m, sender, header);
        if (!messageId || !discharge) return;
        const { body } = await this.inbound.dischargeIn(tx, sender, discharge.person, {
          facility: discharge.facility.slice(0, 200),
          levelOfCare: discharge.levelOfCare,
          admittedAt: discharge.admittedAt,
          dischargedAt: discharge.dischargedAt,
          disposition: discharge.disposition ?? undefined,
          planned: discharge.planned,
        });
        await this.repo.linkMessage(m, messageId, body.clientId, body.id);
      });
      return ackOf(message);
    } catch (err) {
      return ackOf(message, this.rejectionOf(err));
    }
  }

  /** The message's row, or undefined when this sender's control id was seen before. */
  private async claim(
    m: EntityManager,
    sender: ApiClientPrincipal,
    header: AdtHeader,
  ): Promise<string | undefined> {
    return this.repo.claimHl7Message(m, {
      organizationId: sender.organizationId,
      apiClientId: sender.id,
      sender: header.sender,
      controlId: header.controlId,
      event: header.event,
    });
  }

  // A domain rule the message broke (a conflicting identifier, a closed client, a discharge in the
  // future) is an application error (AE) with the rule's safe message; anything else is logged
  // and answered with a generic AE, so the sender retries.
  private rejectionOf(err: unknown): Hl7Rejection {
    if (err instanceof Hl7Rejection) return err;
    if (err instanceof DomainError) {
      const detail = err.extra.errors?.map((e) => e.message).join('; ') || err.message;
      return new Hl7Rejection('AE', Hl7ErrorCode.ApplicationError, '', detail);
    }
    this.logger.error(err);
    return new Hl7Rejection(
      'AE',
      Hl7ErrorCode.ApplicationError,
      '',
      'The message could not be processed; send it again later.',
    );
  }
}
