import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';

import {
  DAVINCI_DISCHARGE_EVENT,
  DAVINCI_EVENT_SYSTEM,
} from '../integrations/fhir/discharge-notification';
import { PART2_NOTICE_HEADER, PART2_NOTICE_TAG } from './fhir-labels';
import { FhirResourceDefinition } from './fhir-resource';
import { searchParamsOf } from './fhir-search.service';

// When this statement's content last changed (a release date, not the request's time).
const PUBLISHED = '2026-12-03';

const DESCRIPTION = [
  'Recovery Bridge FHIR R4 facade (read and search) for EHR and HIE systems, SMART Backend Services.',
  'Records are disclosed under 42 CFR Part 2: an API client sees a client only under a consent in force',
  'that names it, covers its registered purpose and the data category of the resource.',
  'Every resource carries the meta.security labels R (v3-Confidentiality), SUD and NORDSLCD (v3-ActCode).',
  `The 42 CFR 2.32 notice travels with every disclosing answer: in the ${PART2_NOTICE_HEADER} response header`,
  `and as the meta.tag ${PART2_NOTICE_TAG.system}|${PART2_NOTICE_TAG.code} (its display is the notice text)`,
  'of the Bundle and of every resource.',
  'Search: Bundle searchset; total only when the whole result is on the first page; paging by the',
  'Bundle.link next (an opaque cursor valid for the API client it was issued to); _count 1 to 100.',
  'Messaging: $process-message receives discharge notifications (scope discharges:write).',
].join(' ');

/** The one system-level operation: inbound discharge notifications (FhirMessageService). */
const PROCESS_MESSAGE = {
  name: 'process-message',
  definition: 'http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message',
  documentation: [
    'Synchronous only. Takes a Da Vinci Unsolicited Notification, a Bundle of type message whose',
    `MessageHeader.eventCoding is ${DAVINCI_EVENT_SYSTEM}|${DAVINCI_DISCHARGE_EVENT}, with the finished`,
    'Encounter (period, class, serviceType, hospitalization.dischargeDisposition), its Patient',
    '(identifier, name, birthDate) and the facility Organization. The Bundle is validated as FHIR R4',
    'before anything is written (400 OperationOutcome otherwise); a valid one starts the discharge',
    'bridge, and the answer is a response message (MessageHeader.response.code ok, focus: the',
    'Patient, the discharge and its follow-up Tasks). Requires the scope discharges:write.',
  ].join(' '),
};

function resourceOf(def: FhirResourceDefinition): CapabilityStatementRestResource {
  return {
    type: def.type,
    documentation: def.documentation,
    interaction: [{ code: 'read' }, { code: 'search-type' }],
    ...(def.includesPatient ? { searchInclude: [`${def.type}:patient`] } : {}),
    searchParam: searchParamsOf(def).map((p) => ({
      name: p.name,
      type: p.type,
      documentation: p.documentation,
      ...(p.definition ? { definition: p.definition } : {}),
    })),
  };
}

/**
 * The CapabilityStatement, generated from the same declarations the routes and the search engine
 * use (FHIR_RESOURCES): what it lists works, and what works is listed.
 */
export function capabilityStatement(
  baseUrl: string,
  resources: readonly FhirResourceDefinition[],
): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: PUBLISHED,
    publisher: 'Recovery Bridge',
    kind: 'instance',
    software: { name: 'Recovery Bridge' },
    implementation: { description: 'Recovery Bridge FHIR R4 facade', url: `${baseUrl}/fhir` },
    fhirVersion: '4.0.1',
    format: ['json', 'application/fhir+json'],
    description: DESCRIPTION,
    rest: [
      {
        mode: 'server',
        security: {
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [{ url: 'token', valueUri: `${baseUrl}/oauth/token` }],
            },
          ],
          service: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                  code: 'SMART-on-FHIR',
                },
              ],
            },
          ],
          description: `SMART Backend Services (client credentials). Discovery: ${baseUrl}/.well-known/smart-configuration`,
        },
        resource: resources.map(resourceOf),
        operation: [PROCESS_MESSAGE],
      },
    ],
  };
}
