import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import type { Bundle, MessageHeader, Reference } from '@medplum/fhirtypes';

import { ApiClientPrincipal } from '../../../auth/principal';
import { RB_FHIR_BASE } from '../../fhir/fhir-labels';
import { FhirRequestRejected, fhirValidationIssues } from '../../fhir/fhir-validator';
import { InboundDischargeResponse } from '../dto/inbound.dto';
import { InboundService } from '../inbound.service';
import { readDischargeNotification } from './discharge-notification';

/** The identifier system of a discharge in a response's focus (discharges are not served). */
export const DISCHARGE_ID_SYSTEM = `${RB_FHIR_BASE}/discharge-id`;

/**
 * FHIR messaging (`$process-message`, SPEC 8): a Da Vinci Unsolicited Notification of a discharge
 * is validated as FHIR R4 by the independent validator before anything is written, then runs the
 * JSON route's discharge bridge (InboundService.discharge: match or create the client within the
 * sender's organization, idempotent on facility, identifier and discharge instant). The answer is
 * a response message naming the client, the discharge and its follow-up tasks; the same message
 * sent again gets the same answer and has no second effect.
 */
@Injectable()
export class FhirMessageService {
  constructor(private readonly inbound: InboundService) {}

  async process(sender: ApiClientPrincipal, body: unknown, baseUrl: string): Promise<Bundle> {
    if (!body || typeof body !== 'object' || (body as Bundle).resourceType !== 'Bundle') {
      throw FhirRequestRejected.of(
        'structure',
        'The body must be a FHIR Bundle of type message.',
        'Bundle',
      );
    }
    const bundle = body as Bundle;
    const issues = fhirValidationIssues(bundle);
    if (issues.length > 0) {
      throw new FhirRequestRejected({ resourceType: 'OperationOutcome', issue: issues });
    }
    const notification = readDischargeNotification(bundle);
    const { body: discharge } = await this.inbound.discharge(
      sender,
      notification.person,
      notification.discharge,
    );
    return responseMessage(notification.messageId, notification.event, discharge, baseUrl);
  }
}

// The same request message and discharge give the same answer, ids included.
function responseMessage(
  requestId: string,
  event: MessageHeader['eventCoding'],
  d: InboundDischargeResponse,
  baseUrl: string,
): Bundle {
  const id = stableUuid(`${d.id}|${requestId}`);
  const focus: Reference[] = [
    { reference: `Patient/${d.clientId}` },
    { type: 'Encounter', identifier: { system: DISCHARGE_ID_SYSTEM, value: d.id } },
    ...d.followUps.map((f) => ({ reference: `Task/${f.id}` })),
  ];
  const header: MessageHeader = {
    resourceType: 'MessageHeader',
    id,
    eventCoding: event,
    source: { name: 'Recovery Bridge', endpoint: `${baseUrl}/fhir` },
    response: { identifier: requestId, code: 'ok' },
    focus,
  };
  return {
    resourceType: 'Bundle',
    id,
    type: 'message',
    timestamp: d.createdAt,
    entry: [{ fullUrl: `urn:uuid:${id}`, resource: header }],
  };
}

function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
