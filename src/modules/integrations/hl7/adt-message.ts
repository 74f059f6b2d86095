import { Hl7Field, Hl7Message, Hl7Segment, parseHl7DateTime } from '@medplum/core';

import { LevelOfCare } from '../../discharges/cadence';
import { InboundPerson } from '../../clients/inbound-client.service';
import {
  HL7_PATIENT_CLASS,
  levelOfCareOfService,
  UB04_AGAINST_ADVICE,
  UB04_DISPOSITION,
} from '../discharge-codes';

/** The ADT events the feed takes: A03 starts the bridge, A01 and A04 are recorded only. */
export const ADT_EVENTS = ['A01', 'A03', 'A04'] as const;
export type AdtEvent = (typeof ADT_EVENTS)[number];

/** The message header fields every answer needs, read before anything else. */
export interface AdtHeader {
  controlId: string;
  /** MSH-3 and MSH-4 (sending application and facility): whose control ids these are. */
  sender: string;
  event: AdtEvent;
}

export interface AdtDischarge {
  person: InboundPerson;
  facility: string;
  levelOfCare: LevelOfCare;
  admittedAt: string;
  dischargedAt: string;
  disposition: string | null;
  planned: boolean;
}

/**
 * Why a message cannot be taken: the acknowledgment code (AR: the message itself is unacceptable,
 * AE: its content is), the HL7 table 0357 error code, the location (SEG-field) and a reason
 * that names no one (it goes back in MSA-3 and ERR-8).
 */
export class Hl7Rejection extends Error {
  constructor(
    readonly ack: 'AE' | 'AR',
    readonly code: Hl7ErrorCode,
    readonly location: string,
    reason: string,
  ) {
    super(reason);
    this.name = 'Hl7Rejection';
  }
}

/** HL7 table 0357 (message error condition codes) as used here. */
export enum Hl7ErrorCode {
  SegmentSequence = '100',
  RequiredFieldMissing = '101',
  DataTypeError = '102',
  TableValueNotFound = '103',
  UnsupportedMessageType = '200',
  UnsupportedEventCode = '201',
  ApplicationError = '207',
}

const SEGMENT_NAME = /^[A-Z][A-Z0-9]{2}$/;
const DTM = /^(\d{4})(\d{2})(\d{2})(\d{2}(\d{2}(\d{2}(\.\d{1,4})?)?)?)?([+-]\d{4})?$/;
const OFFSET = /([+-]\d{4})$/;

/** Parses ER7 text with the library's parser; a text it cannot read at all is rejected (AR). */
export function parseEr7(text: string): Hl7Message {
  try {
    return Hl7Message.parse(text.replace(/\r\n|\n/g, '\r').replace(/\r+$/, ''));
  } catch {
    throw new Hl7Rejection(
      'AR',
      Hl7ErrorCode.SegmentSequence,
      'MSH',
      'The message has no MSH segment.',
    );
  }
}

/**
 * MSH-9, MSH-10 and the sender; throws an AR rejection for a malformed segment, another message
 * type or event.
 */
export function readHeader(message: Hl7Message): AdtHeader {
  assertSegmentNames(message);
  const msh = message.header;
  const controlId = text(msh, 10);
  if (!controlId) {
    throw new Hl7Rejection('AR', Hl7ErrorCode.RequiredFieldMissing, 'MSH-10', 'MSH-10 is missing.');
  }
  if (component(msh, 9, 1) !== 'ADT') {
    throw new Hl7Rejection(
      'AR',
      Hl7ErrorCode.UnsupportedMessageType,
      'MSH-9',
      'Only ADT messages are accepted.',
    );
  }
  const event = component(msh, 9, 2) || component(message.getSegment('EVN'), 1, 1);
  if (!ADT_EVENTS.includes(event as AdtEvent)) {
    throw new Hl7Rejection(
      'AR',
      Hl7ErrorCode.UnsupportedEventCode,
      'MSH-9',
      'Only ADT A01, A03 and A04 are accepted.',
    );
  }
  const sender = `${component(msh, 3, 1)}^${component(msh, 4, 1)}`;
  return { controlId, sender, event: event as AdtEvent };
}

/** The discharge an ADT^A03 reports (PID and PV1), with the message's time zone (MSH-7). */
export function readDischarge(message: Hl7Message): AdtDischarge {
  const pid = required(message, 'PID');
  const pv1 = required(message, 'PV1');
  const offset = OFFSET.exec(text(message.header, 7))?.[1];
  const dischargedAt = instant(pv1, 45, offset);
  if (!dischargedAt) throw missing('PV1-45');
  // No admit time (PV1-44): the stay is taken to be the discharge instant; only the discharge
  // instant drives the cadence.
  const admittedAt = instant(pv1, 44, offset) ?? dischargedAt;
  const dispositionCode = text(pv1, 36);
  return {
    person: readPerson(pid),
    facility: component(pv1, 3, 4) || component(message.header, 4, 1) || missingFacility(),
    levelOfCare: levelOfCare(pv1),
    admittedAt,
    dischargedAt,
    disposition: dispositionCode ? (UB04_DISPOSITION[dispositionCode] ?? dispositionCode) : null,
    planned: dispositionCode !== UB04_AGAINST_ADVICE,
  };
}

function readPerson(pid: Hl7Segment): InboundPerson {
  const identifiers = repetitions(field(pid, 3))
    .map((rep) => ({ value: field(pid, 3)!.getComponent(1, 0, rep), system: systemOf(pid, rep) }))
    .filter((i) => i.value && i.system);
  if (identifiers.length === 0) throw missing('PID-3');
  const lastName = component(pid, 5, 1);
  const firstName = component(pid, 5, 2);
  if (!lastName || !firstName) throw missing('PID-5');
  const dob = text(pid, 7);
  if (!dob) throw missing('PID-7');
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(dob);
  if (!m || !DTM.test(dob) || Number.isNaN(Date.parse(`${m[1]}-${m[2]}-${m[3]}`))) {
    throw dataType('PID-7');
  }
  return { identifiers, firstName, lastName, dateOfBirth: `${m[1]}-${m[2]}-${m[3]}` };
}

// CX-4 assigning authority (HD): its universal id when it is an OID (`urn:oid:`), else its
// namespace id, so the same authority maps to the same system as the JSON feed's identifiers.
function systemOf(pid: Hl7Segment, rep: number): string {
  const f = field(pid, 3)!;
  const namespace = f.getComponent(4, 0, rep);
  const universal = f.getComponent(4, 1, rep);
  const type = f.getComponent(4, 2, rep);
  if (universal && type === 'ISO') return `urn:oid:${universal}`;
  return namespace || universal;
}

function levelOfCare(pv1: Hl7Segment): LevelOfCare {
  const service = levelOfCareOfService(component(pv1, 10, 1));
  if (service) return service;
  const patientClass = component(pv1, 2, 1);
  if (!patientClass) throw missing('PV1-2');
  const level = HL7_PATIENT_CLASS[patientClass];
  if (!level) {
    throw new Hl7Rejection(
      'AE',
      Hl7ErrorCode.TableValueNotFound,
      'PV1-2',
      'PV1-2 names a patient class without a level of care.',
    );
  }
  return level;
}

/** A DTM field as an ISO instant: its own offset, else the message's; neither is an error. */
function instant(
  segment: Hl7Segment,
  index: number,
  offset: string | undefined,
): string | undefined {
  const value = text(segment, index);
  if (!value) return undefined;
  const m = DTM.exec(value);
  if (!m || !m[4]) throw dataType(`${segment.name}-${index}`);
  if (!m[8] && !offset) {
    throw new Hl7Rejection(
      'AE',
      Hl7ErrorCode.DataTypeError,
      `${segment.name}-${index}`,
      `${segment.name}-${index} has no time zone, and neither has MSH-7.`,
    );
  }
  const iso = parseHl7DateTime(value, { tzOffset: offset });
  if (!iso || Number.isNaN(Date.parse(iso))) throw dataType(`${segment.name}-${index}`);
  return iso;
}

function assertSegmentNames(message: Hl7Message): void {
  const malformed = message.segments.findIndex((s) => !SEGMENT_NAME.test(s.name));
  if (malformed < 0) return;
  throw new Hl7Rejection(
    'AR',
    Hl7ErrorCode.SegmentSequence,
    `segment ${malformed + 1}`,
    `Segment ${malformed + 1} is malformed.`,
  );
}

function required(message: Hl7Message, name: string): Hl7Segment {
  const segment = message.getSegment(name);
  if (!segment) {
    throw new Hl7Rejection(
      'AE',
      Hl7ErrorCode.SegmentSequence,
      name,
      `The ${name} segment is missing.`,
    );
  }
  return segment;
}

function field(segment: Hl7Segment | undefined, index: number): Hl7Field | undefined {
  return segment?.getField(index);
}

function text(segment: Hl7Segment | undefined, index: number): string {
  return field(segment, index)?.toString() ?? '';
}

function component(segment: Hl7Segment | undefined, index: number, c: number): string {
  return field(segment, index)?.getComponent(c) ?? '';
}

function repetitions(f: Hl7Field | undefined): number[] {
  return f ? f.components.map((_, i) => i) : [];
}

function missing(location: string): Hl7Rejection {
  return new Hl7Rejection(
    'AE',
    Hl7ErrorCode.RequiredFieldMissing,
    location,
    `${location} is missing.`,
  );
}

function dataType(location: string): Hl7Rejection {
  return new Hl7Rejection(
    'AE',
    Hl7ErrorCode.DataTypeError,
    location,
    `${location} is not a valid date/time.`,
  );
}

function missingFacility(): never {
  throw missing('PV1-3');
}
