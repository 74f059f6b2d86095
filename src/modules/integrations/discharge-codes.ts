import { LevelOfCare } from '../discharges/cadence';

/**
 * The code tables every inbound format maps a discharge with (HL7 v2 ADT and FHIR; the JSON route
 * sends the level of care itself). One home, so an A03 and a FHIR notification of the same stay
 * give the same discharge. The mapping is documented in docs/integrations.md.
 */

/**
 * Hospital service codes a feed sends for substance-use care (HL7 PV1-10, user-defined table
 * 0069; FHIR Encounter.serviceType): they override the level of care the patient class gives.
 */
export const SUBSTANCE_USE_SERVICE: Record<string, LevelOfCare> = {
  DTX: 'withdrawal_management',
  DETOX: 'withdrawal_management',
  WM: 'withdrawal_management',
  RES: 'residential',
  IOP: 'intensive_outpatient',
};

/** The level of care of a hospital service code (case-insensitive), when it names one. */
export function levelOfCareOfService(code: string | undefined): LevelOfCare | undefined {
  return code ? SUBSTANCE_USE_SERVICE[code.toUpperCase()] : undefined;
}

/** HL7 v2 PV1-2 patient class (table 0004) -> level of care. */
export const HL7_PATIENT_CLASS: Record<string, LevelOfCare> = {
  E: 'emergency_department',
  I: 'inpatient',
  B: 'inpatient',
  O: 'outpatient',
  R: 'outpatient',
};

/**
 * FHIR R4 Encounter.class (v3 ActCode, http://terminology.hl7.org/CodeSystem/v3-ActCode) -> level
 * of care: the classes the HL7 v2-to-FHIR mapping gives the PV1-2 classes above (E -> EMER, I/B ->
 * IMP, O/R -> AMB), with inpatient's acute and non-acute kinds.
 */
export const FHIR_ENCOUNTER_CLASS: Record<string, LevelOfCare> = {
  EMER: 'emergency_department',
  IMP: 'inpatient',
  ACUTE: 'inpatient',
  NONAC: 'inpatient',
  AMB: 'outpatient',
};

/**
 * Discharge disposition codes of the NUBC UB-04 patient discharge status (HL7 v2 table 0112, the
 * codes US Core's Encounter uses): stored as readable words. Any other code is stored as sent.
 */
export const UB04_DISPOSITION: Record<string, string> = {
  '01': 'home',
  '02': 'short-term hospital',
  '03': 'skilled nursing facility',
  '04': 'intermediate care facility',
  '05': 'other facility',
  '06': 'home health care',
  '07': 'left against medical advice',
  '09': 'admitted as inpatient',
  '20': 'expired',
  '21': 'court or law enforcement',
  '50': 'hospice (home)',
  '51': 'hospice (facility)',
  '62': 'inpatient rehabilitation facility',
  '65': 'psychiatric hospital',
};
/** UB-04 "left against medical advice": the discharge is not planned. */
export const UB04_AGAINST_ADVICE = '07';

/** FHIR R4 discharge-disposition codes (http://terminology.hl7.org/CodeSystem/discharge-disposition). */
export const FHIR_DISPOSITION: Record<string, string> = {
  home: 'home',
  'alt-home': 'alternative home',
  'other-hcf': 'other facility',
  hosp: 'hospice',
  long: 'long-term care',
  aadvice: 'left against medical advice',
  exp: 'expired',
  psy: 'psychiatric hospital',
  rehab: 'inpatient rehabilitation facility',
  snf: 'skilled nursing facility',
  oth: 'other',
};
/** FHIR "left against advice": the discharge is not planned. */
export const FHIR_AGAINST_ADVICE = 'aadvice';
