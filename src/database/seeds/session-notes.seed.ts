import { randomUUID } from 'node:crypto';

import { EntityManager } from 'typeorm';

import { contentHash, SignedContent } from '../../modules/session-notes/content-hash';
import {
  ContactType,
  NoteFormat,
  PeerIntervention,
} from '../../modules/session-notes/session-note.enums';
import { DEMO_IDS } from './demo-ids';
import type { DemoPeople } from './demo-people';

const DAY_MS = 86_400_000;

interface DemoNote {
  daysAgo: number;
  minutes: number;
  contactType: ContactType;
  setting: string;
  format: NoteFormat;
  sections: Record<string, string>;
  interventions: PeerIntervention[];
}

// Fictional, recovery-oriented content only: the same invented sessions for every demo client.
const DEMO_NOTES: DemoNote[] = [
  {
    daysAgo: 7,
    minutes: 50,
    contactType: ContactType.InPerson,
    setting: 'community center',
    format: NoteFormat.Dap,
    sections: {
      data: 'Met at the community center. Talked about the first week home and the meetings near the bus line.',
      assessment:
        'Engaged and hopeful; named a sibling as a support. No current risk concerns shared.',
      plan: 'Go to a Thursday meeting together; call on Monday to check in.',
    },
    interventions: [
      PeerIntervention.Engagement,
      PeerIntervention.SharingLivedExperience,
      PeerIntervention.RecoveryPlanning,
    ],
  },
  {
    daysAgo: 2,
    minutes: 20,
    contactType: ContactType.Phone,
    setting: 'phone',
    format: NoteFormat.Narrative,
    sections: {
      narrative:
        'Check-in call. Went to the Thursday meeting and plans to return. Asked for help with a bus pass; shared the transit assistance program.',
    },
    interventions: [PeerIntervention.Support, PeerIntervention.ResourceLinkage],
  },
];

/**
 * Each demo client with no notes gets two signed notes by their specialist (the first demo
 * client's first one with its fixed id), and the first demo client a draft to finish. Idempotent;
 * nothing without clients.
 */
export async function seedSessionNotes(m: EntityManager, people: DemoPeople): Promise<void> {
  const clients: { id: string; specialist_id: string }[] = await m.query(
    `SELECT c.id, c.primary_specialist_id AS specialist_id FROM client c
     WHERE c.organization_id = $1 AND c.deleted_at IS NULL AND c.primary_specialist_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM session_note n WHERE n.client_id = c.id)`,
    [people.organizationId],
  );
  const today = Date.UTC(
    new Date().getUTCFullYear(),
    new Date().getUTCMonth(),
    new Date().getUTCDate(),
    15,
  );
  for (const client of clients) {
    for (const [i, n] of DEMO_NOTES.entries()) {
      const id = client.id === DEMO_IDS.client && i === 0 ? DEMO_IDS.signedNote : randomUUID();
      const startedAt = new Date(today - n.daysAgo * DAY_MS);
      const endedAt = new Date(startedAt.getTime() + n.minutes * 60_000);
      const content: SignedContent = {
        noteId: id,
        clientId: client.id,
        authorId: client.specialist_id,
        startedAt,
        endedAt,
        contactType: n.contactType,
        setting: n.setting,
        format: n.format,
        sections: n.sections,
        goalIds: [],
        interventions: n.interventions,
        riskFlags: [],
      };
      await m.query(
        `INSERT INTO session_note (id, organization_id, client_id, author_id, status, started_at, ended_at, contact_type,
           setting, format, sections, interventions, signed_at, content_hash)
         VALUES ($1, $2, $3, $4, 'signed', $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          id,
          people.organizationId,
          client.id,
          client.specialist_id,
          startedAt,
          endedAt,
          n.contactType,
          n.setting,
          n.format,
          JSON.stringify(n.sections),
          n.interventions,
          new Date(endedAt.getTime() + 3600_000),
          contentHash(content),
        ],
      );
    }
    await m.query(
      `UPDATE client SET last_contact_at = GREATEST(last_contact_at, $2) WHERE id = $1`,
      [client.id, new Date(today - DEMO_NOTES[DEMO_NOTES.length - 1].daysAgo * DAY_MS)],
    );
  }
  await seedDraftNote(m, people, today - DAY_MS);
}

// Yesterday's call with the first demo client, written up but not signed yet: the draft the
// documentation's "edit" and "sign" examples name. Complete, so signing it succeeds.
async function seedDraftNote(
  m: EntityManager,
  people: DemoPeople,
  startedAt: number,
): Promise<void> {
  await m.query(
    `INSERT INTO session_note (id, organization_id, client_id, author_id, status, started_at, ended_at, contact_type,
       setting, format, sections, interventions)
     SELECT $1, c.organization_id, c.id, c.primary_specialist_id, 'draft', $3, $4, $5, 'phone', $6, $7, $8
     FROM client c
     WHERE c.id = $2 AND c.organization_id = $9 AND c.primary_specialist_id IS NOT NULL
     ON CONFLICT (id) DO NOTHING`,
    [
      DEMO_IDS.draftNote,
      DEMO_IDS.client,
      new Date(startedAt),
      new Date(startedAt + 15 * 60_000),
      ContactType.Phone,
      NoteFormat.Narrative,
      JSON.stringify({
        narrative:
          'Short call after the hand-off. Settling in at home; wants to visit the recovery residence this week.',
      }),
      [PeerIntervention.Support],
      people.organizationId,
    ],
  );
}
