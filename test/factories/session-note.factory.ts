import { DataSource } from 'typeorm';

export interface TestNoteOptions {
  organizationId: string;
  clientId: string;
  authorId: string;
  startedAt?: Date;
  minutes?: number;
  status?: 'draft' | 'signed' | 'reviewed';
  format?: string;
  sections?: Record<string, string>;
  contactType?: string;
  goalIds?: string[];
}

/** A persisted note, written straight to the table (for lists, queues and timelines). */
export async function createNote(ds: DataSource, o: TestNoteOptions): Promise<string> {
  const startedAt = o.startedAt ?? new Date(Date.now() - 2 * 3600_000);
  const endedAt = new Date(startedAt.getTime() + (o.minutes ?? 30) * 60_000);
  const status = o.status ?? 'draft';
  const signed = status !== 'draft';
  const [row] = await ds.query(
    `INSERT INTO session_note (organization_id, client_id, author_id, status, started_at, ended_at, contact_type, format,
       sections, signed_at, content_hash, goal_ids)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [
      o.organizationId,
      o.clientId,
      o.authorId,
      status,
      startedAt,
      endedAt,
      o.contactType ?? 'in_person',
      o.format ?? 'narrative',
      JSON.stringify(o.sections ?? { narrative: 'Met at the library and talked about the week.' }),
      signed ? endedAt : null,
      signed ? '0'.repeat(64) : null,
      o.goalIds ?? [],
    ],
  );
  return row.id;
}
