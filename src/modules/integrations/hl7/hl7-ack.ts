import { Hl7Message, Hl7Segment } from '@medplum/core';

import { Hl7Rejection } from './adt-message';

/**
 * The HL7 ACK of `message` (the library's, with sender and receiver swapped): AA, or AE/AR with
 * the reason in MSA-3 and an ERR segment (ERR-2 location, ERR-3 table 0357 code, ERR-4 severity,
 * ERR-8 the reason). The reason names no one.
 */
export function ackOf(message: Hl7Message, rejection?: Hl7Rejection): string {
  if (!rejection) return message.buildAck({ ackCode: 'AA' }).toString();
  const err = new Hl7Segment(
    [
      'ERR',
      '',
      errorLocation(rejection.location),
      `${rejection.code}^${rejection.message}^HL70357`,
      'E',
      '',
      '',
      '',
      rejection.message,
    ],
    message.context,
  );
  const ack = message.buildAck({ ackCode: rejection.ack, errSegment: err });
  ack.getSegment('MSA')!.setField(3, rejection.message);
  return ack.toString();
}

/** The ACK of a text without a readable MSH: a minimal header, MSA-2 empty. */
export function ackWithoutHeader(rejection: Hl7Rejection): string {
  const header = Hl7Message.parse('MSH|^~\\&|||||||ACK||P|2.5.1');
  return ackOf(header, rejection);
}

// ERR-2 (ERL): segment id ^ segment sequence ^ field position, e.g. PV1-45 -> PV1^1^45.
function errorLocation(location: string): string {
  const m = /^([A-Z][A-Z0-9]{2})(?:-(\d+))?$/.exec(location);
  if (!m) return '';
  return m[2] ? `${m[1]}^1^${m[2]}` : m[1];
}
