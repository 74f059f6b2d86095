import type {
  Bundle,
  BundleEntry,
  Coding,
  Encounter,
  MessageHeader,
  Organization,
  Patient,
  Reference,
  Resource,
} from '@medplum/fhirtypes';

import { FhirRequestRejected } from '../../fhir/fhir-validator';
import { InboundPerson } from '../../clients/inbound-client.service';
import { LevelOfCare } from '../../discharges/cadence';
import { CreateDischargeDto } from '../../discharges/dto/discharge.dto';
import {
  FHIR_AGAINST_ADVICE,
  FHIR_DISPOSITION,
  FHIR_ENCOUNTER_CLASS,
  levelOfCareOfService,
  UB04_AGAINST_ADVICE,
  UB04_DISPOSITION,
} from '../discharge-codes';

/** The Da Vinci Unsolicited Notifications event code system and its discharge event. */
export const DAVINCI_EVENT_SYSTEM =
  'http://hl7.org/fhir/us/davinci-alerts/CodeSystem/notification-event';
export const DAVINCI_DISCHARGE_EVENT = 'notification-discharge';

const V3_ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const FHIR_DISPOSITION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/discharge-disposition';
const NUBC_DISPOSITION_SYSTEM = 'https://www.nubc.org/CodeSystem/PatDischargeStatus';

// A dateTime with a time carries its zone (FHIR requires it); a date alone is not an instant.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const FULL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What a valid discharge notification says: who, the discharge, and the message to answer. */
export interface DischargeNotification {
  /** MessageHeader.id: the response's `response.identifier`. */
  messageId: string;
  event: Coding;
  person: InboundPerson;
  discharge: CreateDischargeDto;
}

interface Located<T extends Resource> {
  resource: T;
  path: string;
}

/**
 * Reads a Da Vinci discharge notification (a Bundle of type `message` already valid FHIR R4): the
 * MessageHeader first, its focus the Encounter (status `finished`), the Encounter's subject the
 * Patient, its serviceProvider (else the MessageHeader's sender) the facility Organization.
 * Throws FhirRequestRejected naming the failing path, never a value.
 */
export function readDischargeNotification(bundle: Bundle): DischargeNotification {
  if (bundle.type !== 'message') {
    throw FhirRequestRejected.of('invalid', 'The Bundle must be of type message.', 'Bundle.type');
  }
  const entries = bundle.entry ?? [];
  const header = entries[0]?.resource;
  if (header?.resourceType !== 'MessageHeader') {
    throw FhirRequestRejected.of(
      'invalid',
      'The first entry of a message must be its MessageHeader.',
      'Bundle.entry[0].resource',
    );
  }
  const h = header as MessageHeader;
  const hPath = 'Bundle.entry[0].resource';
  const event = h.eventCoding;
  if (event?.system !== DAVINCI_EVENT_SYSTEM || event.code !== DAVINCI_DISCHARGE_EVENT) {
    throw FhirRequestRejected.of(
      'not-supported',
      `Only the Da Vinci discharge notification (${DAVINCI_EVENT_SYSTEM}|${DAVINCI_DISCHARGE_EVENT}) is accepted.`,
      `${hPath}.eventCoding`,
    );
  }
  if (!h.id) throw required(`${hPath}.id`, 'The MessageHeader needs an id to be answered.');

  const encounter = resolveOne<Encounter>(entries, h.focus ?? [], 'Encounter', `${hPath}.focus`);
  const e = encounter.resource;
  if (e.status !== 'finished') {
    throw FhirRequestRejected.of(
      'invalid',
      'A discharge notification reports a finished Encounter.',
      `${encounter.path}.status`,
    );
  }
  const dischargedAt = e.period?.end;
  if (!dischargedAt) throw required(`${encounter.path}.period.end`);
  if (!INSTANT.test(dischargedAt)) throw notInstant(`${encounter.path}.period.end`);
  const admittedAt = e.period?.start;
  // No start: the stay is taken to be the discharge instant, as for an A03 without PV1-44.
  if (admittedAt && !INSTANT.test(admittedAt)) throw notInstant(`${encounter.path}.period.start`);

  const patient = resolveOne<Patient>(
    entries,
    e.subject ? [e.subject] : [],
    'Patient',
    `${encounter.path}.subject`,
  );
  const facility = facilityOf(entries, e, h, encounter.path);
  const { disposition, planned } = dispositionOf(e);
  return {
    messageId: h.id,
    event,
    person: personOf(patient),
    discharge: {
      facility: facility.slice(0, 200),
      levelOfCare: levelOfCareOf(e, encounter.path),
      admittedAt: admittedAt ?? dischargedAt,
      dischargedAt,
      disposition: disposition?.slice(0, 200),
      planned,
    },
  };
}

function personOf({ resource: p, path }: Located<Patient>): InboundPerson {
  const identifiers = (p.identifier ?? [])
    .filter((i) => i.system && i.value)
    .map((i) => ({ system: i.system as string, value: i.value as string }));
  if (identifiers.length === 0) {
    throw required(`${path}.identifier`, 'The Patient needs an identifier with system and value.');
  }
  if (identifiers.some((i) => i.system.length > 200 || i.value.length > 100)) {
    throw FhirRequestRejected.of(
      'invalid',
      'Identifier systems are at most 200 characters and values at most 100.',
      `${path}.identifier`,
    );
  }
  const names = p.name ?? [];
  const name =
    names.find((n) => (n.use === 'official' || n.use === 'usual') && n.family && n.given?.[0]) ??
    names.find((n) => n.family && n.given?.[0]);
  if (!name) throw required(`${path}.name`, 'The Patient needs a name with family and given.');
  if (!p.birthDate) throw required(`${path}.birthDate`);
  if (!FULL_DATE.test(p.birthDate)) {
    throw FhirRequestRejected.of(
      'invalid',
      'The birth date must be a full date.',
      `${path}.birthDate`,
    );
  }
  return {
    identifiers,
    firstName: (name.given?.[0] as string).slice(0, 100),
    lastName: (name.family as string).slice(0, 100),
    dateOfBirth: p.birthDate,
  };
}

// Encounter.serviceType naming a substance-use service wins (as PV1-10 does); else the class.
function levelOfCareOf(e: Encounter, path: string): LevelOfCare {
  for (const coding of e.serviceType?.coding ?? []) {
    const level = levelOfCareOfService(coding.code);
    if (level) return level;
  }
  const level =
    e.class?.system === V3_ACT_CODE && e.class.code
      ? FHIR_ENCOUNTER_CLASS[e.class.code]
      : undefined;
  if (!level) {
    throw FhirRequestRejected.of(
      'invalid',
      'Encounter.class names a class without a level of care.',
      `${path}.class`,
    );
  }
  return level;
}

function dispositionOf(e: Encounter): { disposition: string | undefined; planned: boolean } {
  const concept = e.hospitalization?.dischargeDisposition;
  if (!concept) return { disposition: undefined, planned: true };
  for (const c of concept.coding ?? []) {
    if (c.system === FHIR_DISPOSITION_SYSTEM && c.code) {
      return {
        disposition: FHIR_DISPOSITION[c.code] ?? c.code,
        planned: c.code !== FHIR_AGAINST_ADVICE,
      };
    }
    if (c.system === NUBC_DISPOSITION_SYSTEM && c.code) {
      return {
        disposition: UB04_DISPOSITION[c.code] ?? c.code,
        planned: c.code !== UB04_AGAINST_ADVICE,
      };
    }
  }
  const first = concept.coding?.find((c) => c.code);
  return { disposition: concept.text ?? first?.display ?? first?.code, planned: true };
}

function facilityOf(
  entries: BundleEntry[],
  e: Encounter,
  h: MessageHeader,
  encounterPath: string,
): string {
  for (const ref of [e.serviceProvider, h.sender]) {
    if (!ref?.reference) continue;
    const org = resolve(entries, ref);
    if (org?.resource.resourceType === 'Organization' && (org.resource as Organization).name) {
      return (org.resource as Organization).name as string;
    }
  }
  throw required(
    `${encounterPath}.serviceProvider`,
    'The facility Organization (Encounter.serviceProvider or MessageHeader.sender), with its name, must be in the Bundle.',
  );
}

/** The entry a reference names: by fullUrl, or by `Type/id` (absolute or relative). */
function resolve(entries: BundleEntry[], ref: Reference): Located<Resource> | undefined {
  const target = ref.reference;
  if (!target) return undefined;
  const index = entries.findIndex(
    (en) =>
      en.fullUrl === target ||
      (en.resource && `${en.resource.resourceType}/${en.resource.id}` === target) ||
      (en.fullUrl !== undefined && !target.startsWith('urn:') && en.fullUrl.endsWith(`/${target}`)),
  );
  if (index < 0 || !entries[index].resource) return undefined;
  return { resource: entries[index].resource as Resource, path: `Bundle.entry[${index}].resource` };
}

/** The one resource of `type` the references name, else the Bundle's only one of that type. */
function resolveOne<T extends Resource>(
  entries: BundleEntry[],
  refs: Reference[],
  type: T['resourceType'],
  path: string,
): Located<T> {
  for (const ref of refs) {
    const found = resolve(entries, ref);
    if (found?.resource.resourceType === type) return found as Located<T>;
  }
  const all = entries
    .map((en, i) => ({ resource: en.resource, path: `Bundle.entry[${i}].resource` }))
    .filter((x) => x.resource?.resourceType === type);
  if (all.length === 1) return all[0] as Located<T>;
  throw required(path, `The message must carry the ${type} its ${path.split('.').pop()} names.`);
}

function required(path: string, text = `${path} is required.`): FhirRequestRejected {
  return FhirRequestRejected.of('invalid', text, path);
}

function notInstant(path: string): FhirRequestRejected {
  return FhirRequestRejected.of(
    'invalid',
    'The discharge instants must be dateTimes with a time and a time zone.',
    path,
  );
}
