import type { Coding, Consent } from '@medplum/fhirtypes';

import {
  consentInForce,
  DATA_CATEGORIES,
  DataCategory,
  DisclosurePurpose,
} from '../../../auth/access/consent.sql';
import { Permission } from '../../../auth/permissions';
import { defineResource } from '../fhir-resource';
import { part2Meta, RB_FHIR_BASE } from '../fhir-labels';

interface ConsentRow {
  id: string;
  clientId: string;
  recipientId: string;
  recipientName: string;
  purposes: DisclosurePurpose[];
  categories: DataCategory[];
  effectiveAt: Date;
  expiresAt: Date;
  signedAt: Date;
  createdAt: Date;
}

/** The code system of the consent's data categories (docs/fhir.md). */
export const DATA_CATEGORY_SYSTEM = `${RB_FHIR_BASE}/CodeSystem/data-category`;
/** The identifier system of API clients (a consent's recipient). */
export const API_CLIENT_SYSTEM = `${RB_FHIR_BASE}/NamingSystem/api-client`;

const V3_ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

// SPEC 8 purposes as HL7 v3 ActReason (PurposeOfUse) codes.
const PURPOSE_OF_USE: Record<DisclosurePurpose, Coding> = {
  treatment: { system: V3_ACT_REASON, code: 'TREAT', display: 'treatment' },
  payment: { system: V3_ACT_REASON, code: 'HPAYMT', display: 'healthcare payment' },
  operations: { system: V3_ACT_REASON, code: 'HOPERAT', display: 'healthcare operations' },
  research: { system: V3_ACT_REASON, code: 'HRESCH', display: 'healthcare research' },
};

// The FHIR types each data category discloses (provision.class).
const CATEGORY_TYPES: Record<DataCategory, string[]> = {
  demographics: ['Patient'],
  'plans-goals': ['CarePlan', 'Goal'],
  'follow-ups': ['Task'],
  assessments: ['QuestionnaireResponse', 'Observation'],
  'session-notes': ['Encounter'],
};

/**
 * `consent` -> Consent: the Part 2 consents in force that name this API client as recipient and
 * cover its purpose (only those: another recipient's consent is none of its business).
 */
export const consentResource = defineResource<Consent, ConsentRow>({
  type: 'Consent',
  permission: Permission.FhirConsentRead,
  documentation:
    'The 42 CFR Part 2 consents in force that name this API client as recipient, with their provisions.',
  from: 'consent r JOIN client c ON c.id = r.client_id JOIN api_client ra ON ra.id = r.recipient_id',
  id: 'r.id',
  categories: DATA_CATEGORIES,
  where: (recipient) =>
    `r.recipient_id = ${recipient} AND ${consentInForce('r')} AND ra.purpose = ANY (r.purposes)`,
  columns: `r.id AS id, r.client_id AS "clientId", r.recipient_id AS "recipientId",
    ra.name AS "recipientName", r.purposes AS purposes, r.categories AS categories,
    r.effective_at AS "effectiveAt", r.expires_at AS "expiresAt", r.signed_at AS "signedAt",
    r.created_at AS "createdAt"`,
  searchParams: [],
  includesPatient: true,
  toResource: (r) => ({
    resourceType: 'Consent',
    id: r.id,
    meta: part2Meta(r.createdAt),
    status: 'active',
    scope: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/consentscope',
          code: 'patient-privacy',
          display: 'Privacy Consent',
        },
      ],
    },
    category: [
      { coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Consent Document' }] },
    ],
    patient: { reference: `Patient/${r.clientId}` },
    dateTime: r.signedAt.toISOString(),
    policyRule: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
          code: '42CFRPart2',
          display: '42 CFR Part2',
        },
      ],
    },
    provision: {
      type: 'permit',
      period: { start: r.effectiveAt.toISOString(), end: r.expiresAt.toISOString() },
      actor: [
        {
          role: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
                code: 'IRCP',
                display: 'information recipient',
              },
            ],
          },
          reference: {
            type: 'Organization',
            identifier: { system: API_CLIENT_SYSTEM, value: r.recipientId },
            display: r.recipientName,
          },
        },
      ],
      purpose: r.purposes.map((p) => ({ ...PURPOSE_OF_USE[p] })),
      class: r.categories.flatMap((c) =>
        CATEGORY_TYPES[c].map((t) => ({ system: 'http://hl7.org/fhir/resource-types', code: t })),
      ),
      code: r.categories.map((c) => ({ coding: [{ system: DATA_CATEGORY_SYSTEM, code: c }] })),
    },
  }),
});
