import type { Coding, Encounter, Narrative } from '@medplum/fhirtypes';

import { Permission } from '../../../auth/permissions';
import { durationMinutes } from '../../session-notes/billing';
import type { SessionNote } from '../../session-notes/session-note.entity';
import { ContactType, REQUIRED_SECTIONS } from '../../session-notes/session-note.enums';
import { defineResource } from '../fhir-resource';
import {
  HL7_SYSTEM,
  LocalCodeSystem,
  patientRef,
  practitionerRef,
  versionedMeta,
} from './fhir-codes';

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
  /** ISO 8601 instant. */
  createdAt: string;
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
    meta: versionedMeta(note.version, note.updatedAt),
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
      note.addenda.map((a) => `${a.createdAt}: ${a.text}`),
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

const NOTE_TEXT = `'session-notes' = ANY (k.categories)`;

/**
 * `session_note` (signed or reviewed) -> Encounter. The contact itself is visible under
 * `follow-ups` (the contacts a follow-up task records: Task.output points at them) or
 * `session-notes`; its note text only under `session-notes`.
 */
export const encounterResource = defineResource<Encounter, EncounterSource>({
  type: 'Encounter',
  permission: Permission.FhirEncounterRead,
  documentation:
    'A contact recorded by a signed session note (categories follow-ups or session-notes of the consent); ' +
    'the note text only under session-notes.',
  from: 'session_note r JOIN client c ON c.id = r.client_id',
  id: 'r.id',
  categories: ['session-notes', 'follow-ups'],
  where: () => `r.status IN ('signed', 'reviewed')`,
  // The note text is not even read without `session-notes` (`k` is the consent the framework
  // joins each row to), so no code path after the statement can leak it.
  columns: `r.id AS id, r.client_id AS "clientId", r.author_id AS "authorId",
    r.started_at AS "startedAt", r.ended_at AS "endedAt", r.contact_type AS "contactType",
    r.format AS format, r.version AS version, r.updated_at AS "updatedAt",
    CASE WHEN ${NOTE_TEXT} THEN r.sections ELSE '{}'::jsonb END AS sections,
    CASE WHEN ${NOTE_TEXT} THEN r.interventions ELSE '{}'::text[] END AS interventions,
    CASE WHEN ${NOTE_TEXT} THEN r.risk_flags ELSE '{}'::text[] END AS "riskFlags",
    CASE WHEN ${NOTE_TEXT} THEN coalesce((SELECT jsonb_agg(jsonb_build_object('text', a.text,
        'createdAt', to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
        ORDER BY a.created_at, a.id)
      FROM session_note_addendum a WHERE a.note_id = r.id), '[]') ELSE '[]'::jsonb END AS addenda`,
  searchParams: [],
  toResource: (row, context) => toEncounter(row, context.categories.includes('session-notes')),
});
