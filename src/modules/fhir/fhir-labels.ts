import type { Coding, Meta } from '@medplum/fhirtypes';

/** The media type of every FHIR answer (and accepted for request bodies). */
export const FHIR_JSON = 'application/fhir+json';

/** The canonical base of this server's own code systems and extensions. */
export const RB_FHIR_BASE = 'https://recovery-bridge.example/fhir';

/**
 * The notice 42 CFR 2.32(a)(1) requires with each disclosure made with the patient's consent.
 * Sent in the `X-42CFR-Part2-Notice` header of every disclosing answer and, in the body, as the
 * `meta.tag` PART2_NOTICE_TAG of the Bundle and of every resource.
 */
export const PART2_NOTICE =
  'This record which has been disclosed to you is protected by federal confidentiality rules (42 CFR part 2). ' +
  'These rules prohibit you from using or disclosing this record, or testimony that describes the information ' +
  'contained in this record, in any civil, criminal, administrative, or legislative proceedings by any Federal, ' +
  'State, or local authority, against the patient, unless authorized by the consent of the patient, except as ' +
  'provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In addition, ' +
  'the Federal rules prohibit you from making any other use or disclosure of this record unless at least one of ' +
  'the following applies: (A) Further use or disclosure is expressly permitted by the written consent of the ' +
  'individual whose information is being disclosed in this record or as otherwise permitted by 42 CFR part 2. ' +
  '(B) You are a covered entity or business associate and have received the record for treatment, payment, or ' +
  'health care operations, or (C) You have received the record from a covered entity or business associate as ' +
  'permitted by 45 CFR part 164, subparts A and E. A general authorization for the release of medical or other ' +
  'information is NOT sufficient to meet the required elements of written consent to further use or redisclose ' +
  'the record (see 42 CFR 2.31).';

export const PART2_NOTICE_HEADER = 'X-42CFR-Part2-Notice';

export const PART2_NOTICE_TAG: Coding = {
  system: `${RB_FHIR_BASE}/CodeSystem/part2-notice`,
  code: '42-cfr-2.32',
  display: PART2_NOTICE,
};

const V3_CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
const V3_ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

/**
 * The Part 2 security labels every resource carries (HL7 Healthcare Privacy and Security
 * Classification System): restricted confidentiality, substance use disorder information
 * sensitivity, and the prohibition on redisclosure without consent.
 */
export const PART2_SECURITY_LABELS: readonly Coding[] = [
  { system: V3_CONFIDENTIALITY, code: 'R', display: 'restricted' },
  { system: V3_ACT_CODE, code: 'SUD', display: 'substance use disorder information sensitivity' },
  {
    system: V3_ACT_CODE,
    code: 'NORDSLCD',
    display: 'no redisclosure without consent directive',
  },
];

/** The `meta` of a resource or Bundle this facade answers: labels, the notice, lastUpdated. */
export function part2Meta(lastUpdated?: Date | string | null): Meta {
  return {
    ...(lastUpdated ? { lastUpdated: new Date(lastUpdated).toISOString() } : {}),
    security: PART2_SECURITY_LABELS.map((c) => ({ ...c })),
    tag: [{ ...PART2_NOTICE_TAG }],
  };
}
