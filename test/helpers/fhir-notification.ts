import { randomUUID } from 'node:crypto';

/** The MRN system and the Da Vinci event code system of the notifications below. */
export const MRN = 'urn:oid:2.16.840.1.113883.19.5';
export const EVENTS = 'http://hl7.org/fhir/us/davinci-alerts/CodeSystem/notification-event';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/**
 * A Da Vinci Unsolicited Notification of a discharge, as an EHR sends it: MessageHeader (focus
 * the Encounter, sender the hospital), the finished Encounter, its Patient and the Organization.
 */
export function dischargeNotification(
  o: { mrn?: string; dischargedAt?: Date; birthDate?: string } = {},
): Json {
  const dischargedAt = o.dischargedAt ?? new Date(Date.now() - 2 * 3600_000);
  const admittedAt = new Date(dischargedAt.getTime() - 4 * 24 * 3600_000);
  const ids = { patient: randomUUID(), encounter: randomUUID(), org: randomUUID() };
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    type: 'message',
    timestamp: new Date().toISOString(),
    entry: [
      {
        fullUrl: `urn:uuid:${randomUUID()}`,
        resource: {
          resourceType: 'MessageHeader',
          id: randomUUID(),
          eventCoding: { system: EVENTS, code: 'notification-discharge' },
          source: { name: 'Riverside EHR', endpoint: 'https://ehr.riverside.example/fhir' },
          sender: { reference: `urn:uuid:${ids.org}` },
          focus: [{ reference: `urn:uuid:${ids.encounter}` }],
        },
      },
      {
        fullUrl: `urn:uuid:${ids.encounter}`,
        resource: {
          resourceType: 'Encounter',
          status: 'finished',
          class: {
            system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
            code: 'IMP',
          },
          serviceType: { coding: [{ code: 'DTX' }] },
          subject: { reference: `urn:uuid:${ids.patient}` },
          period: { start: admittedAt.toISOString(), end: dischargedAt.toISOString() },
          hospitalization: {
            dischargeDisposition: {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/discharge-disposition',
                  code: 'home',
                },
              ],
            },
          },
          serviceProvider: { reference: `urn:uuid:${ids.org}` },
        },
      },
      {
        fullUrl: `urn:uuid:${ids.patient}`,
        resource: {
          resourceType: 'Patient',
          identifier: [{ system: MRN, value: o.mrn ?? `MRN-${randomUUID().slice(0, 12)}` }],
          name: [{ use: 'official', family: 'Notified', given: ['Robin'] }],
          birthDate: o.birthDate ?? '1985-07-09',
        },
      },
      {
        fullUrl: `urn:uuid:${ids.org}`,
        resource: {
          resourceType: 'Organization',
          name: `Riverside Hospital ${ids.org.slice(0, 8)}`,
        },
      },
    ],
  };
}
