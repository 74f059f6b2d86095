import type { Coding, Encounter, Narrative } from '@medplum/fhirtypes';

import { durationMinutes } from '../../session-notes/billing';
import type { SessionNote } from '../../session-notes/session-note.entity';
import { ContactType, REQUIRED_SECTIONS } from '../../session-notes/session-note.enums';
import { HL7_SYSTEM, LocalCodeSystem, patientRef, practitionerRef } from './fhir-codes';

export type EncounterSource = Pick<
  SessionNote,
  | 'id'
  | 'clientId'
  | 'authorId'
  | 'startedAt'
  | 'endedAt'
  | 'contactType'
  | 'format'
  | 'sections'
  | 'interventions'
  | 'riskFlags'
  | 'version'
  | 'updatedAt'
> & { addenda: readonly EncounterAddendum[] };

export interface EncounterAddendum {
  text: string;
  createdAt: Date;
}

// HL7 v3 ActEncounterCode: where the contact took place, as an EHR files it.
const ENCOUNTER_CLASS: Record<ContactType, Coding> = {
  [ContactType.InPerson]: { code: 'AMB', display: 'ambulatory' },
  [ContactType.Phone]: { code: 'VR', display: 'virtual' },
  [ContactType.Video]: { code: 'VR', display: 'virtual' },
  [ContactType.Text]: { code: 'VR', display: 'virtual' },
  [ContactType.OutreachAttempt]: { code: 'FLD', display: 'field' },
  [ContactType.Collateral]: { code: 'AMB', display: 'ambulatory' },
};

/**
 * A signed session note as a FHIR R4 Encounter (docs/fhir.md, "Encounter"). The note's text (its
 * sections, interventions, risk flags and addenda) goes into `text` only when `disclosesNote` is
 * true: 42 CFR Part 2 lets the narrative out only under a consent that lists `session-notes`.
 */
export function toEncounter(note: EncounterSource, disclosesNote: boolean): Encounter {
  return {
    resourceType: 'Encounter',
    id: note.id,
    meta: { versionId: String(note.version), lastUpdated: note.updatedAt.toISOString() },
    ...(disclosesNote ? { text: noteNarrative(note) } : {}),
    // Only signed notes are disclosed, and a signed note records a contact that took place.
    status: 'finished',
    class: { system: HL7_SYSTEM.ActCode, ...ENCOUNTER_CLASS[note.contactType] },
    type: [{ coding: [{ system: LocalCodeSystem.ContactType, code: note.contactType }] }],
    subject: patientRef(note.clientId),
    participant: [
      {
        type: [{ coding: [{ system: HL7_SYSTEM.ParticipationType, code: 'PPRF' }] }],
        individual: practitionerRef(note.authorId),
      },
    ],
    period: { start: note.startedAt.toISOString(), end: note.endedAt.toISOString() },
    length: {
      value: durationMinutes(note.startedAt, note.endedAt),
      unit: 'min',
      system: HL7_SYSTEM.Ucum,
      code: 'min',
    },
  };
}

function noteNarrative(note: EncounterSource): Narrative {
  const sections = REQUIRED_SECTIONS[note.format].map(
    (key) =>
      `<h3>${escapeXhtml(titleCase(key))}</h3><p>${escapeXhtml(note.sections[key] ?? '')}</p>`,
  );
  const lists = [
    listBlock('Peer interventions', note.interventions),
    listBlock('Risk flags', note.riskFlags),
    listBlock(
      'Addenda',
      note.addenda.map((a) => `${a.createdAt.toISOString()}: ${a.text}`),
    ),
  ];
  return {
    status: 'additional',
    div: `<div xmlns="http://www.w3.org/1999/xhtml"><p>Session note (${escapeXhtml(note.format)})</p>${sections.join('')}${lists.join('')}</div>`,
  };
}

function listBlock(title: string, items: readonly string[]): string {
  if (!items.length) return '';
  const li = items.map((i) => `<li>${escapeXhtml(i)}</li>`).join('');
  return `<h3>${escapeXhtml(title)}</h3><ul>${li}</ul>`;
}

function titleCase(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1);
}

const XHTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Note text is free text typed by staff: it must never become markup in the EHR. */
export function escapeXhtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XHTML_ESCAPES[c]);
}
