import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import {
  clientScope,
  reviewableBy,
  supervises,
  teamSupervisorIds,
} from '../../auth/access/scope.sql';
import { Principal } from '../../auth/principal';
import { pageNewestFirst } from '../../common/dto/keyset';
import { Keyset, Pager } from '../../common/dto/pagination';
import { updateVersioned } from '../../common/http/etag';
import { SessionNoteAddendum } from './session-note-addendum.entity';
import { SessionNote } from './session-note.entity';
import { CRISIS_FLAGS, NoteStatus } from './session-note.enums';

// Signed, and either never reviewed or corrected by an addendum since the last review.
const AWAITING_REVIEW = `n.status = 'signed' AND (n.reviewed_at IS NULL OR EXISTS (SELECT 1 FROM session_note_addendum a
  WHERE a.note_id = n.id AND a.created_at > n.reviewed_at))`;
const AUTHOR_SUPERVISED = reviewableBy('n', ':me');

const INSERT_DRAFT = `INSERT INTO session_note (organization_id, client_id, author_id, status, started_at,
  ended_at, contact_type, setting, format, sections, goal_ids, interventions, risk_flags, late_entry, version)
  VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $12, false, 1)
  RETURNING id, created_at, updated_at`;

// An unexpired credential on the organization's "today" (UTC), less its grace period in days.
const HOLDS_CREDENTIAL = `SELECT EXISTS (
  SELECT 1 FROM specialist_certification sc JOIN organization o ON o.id = sc.organization_id
  WHERE sc.user_id = $1 AND sc.organization_id = $2
    AND sc.issued_on <= (now() AT TIME ZONE 'UTC')::date
    AND sc.expires_on >= (now() AT TIME ZONE 'UTC')::date - CASE
      WHEN o.settings->>'credentialGraceDays' ~ '^[0-9]{1,3}$' THEN (o.settings->>'credentialGraceDays')::int ELSE 0 END
) AS ok`;

// $1 author, $2 client, $3 organization: the supervisors of the author's teams and of the
// client's primary specialist's teams, never the author themself.
const CRISIS_RECIPIENTS = teamSupervisorIds({
  members:
    'IN ($1, (SELECT primary_specialist_id FROM client WHERE id = $2 AND organization_id = $3))',
  org: '$3',
  except: '$1',
});

// Each source: (type, id, instant, status, label) for client $1; ids and enums only, no narrative.
const TIMELINE_SOURCES: string[] = [
  `SELECT 'session_note' AS type, x.id, x.started_at AS occurred_at, x.status, x.contact_type AS label FROM session_note x WHERE x.client_id = $1`,
  `SELECT 'follow_up' AS type, x.id, x.due_at AS occurred_at, x.status, x.label FROM follow_up x WHERE x.client_id = $1`,
  `SELECT 'group_session' AS type, x.group_session_id AS id, x.session_started_at AS occurred_at,
            x.attendance AS status, g.topic AS label
          FROM group_session_attendee x JOIN group_session g ON g.id = x.group_session_id WHERE x.client_id = $1`,
  `SELECT 'assessment' AS type, x.id, x.administered_at AS occurred_at, NULL::text AS status,
            x.instrument || ' ' || x.total AS label FROM assessment x WHERE x.client_id = $1`,
  `SELECT 'referral_out' AS type, x.id, x.sent_at AS occurred_at, x.status, x.need AS label
          FROM referral_out x WHERE x.client_id = $1`,
];

export type NewDraft = Pick<
  SessionNote,
  | 'organizationId'
  | 'clientId'
  | 'authorId'
  | 'startedAt'
  | 'endedAt'
  | 'contactType'
  | 'setting'
  | 'format'
  | 'sections'
  | 'goalIds'
  | 'interventions'
  | 'riskFlags'
>;

/** The filters of a note search across the caller's scope. */
export interface NoteSearchFilter {
  status?: NoteStatus;
  authorId?: string;
  /** With `goalId`: notes of this client that address the goal. */
  goalClientId: string | null;
  goalId?: string;
  awaitingReview?: boolean;
  /** A supervisor's review queue: only the notes of the specialists they supervise. */
  reviewerId: string | null;
}

export interface TimelineRow {
  type: string;
  id: string;
  occurred_at: Date;
  status: string | null;
  label: string | null;
}

/** Every statement of session notes, their addenda, the credential check and the client timeline. */
@Injectable()
export class SessionNoteRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The primary's manager, for the reads a request makes outside a write. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * One INSERT ... RETURNING of the generated columns; the rest of the note is what was written.
   * (`save()` of a new entity costs several times the CPU for the same statement.)
   */
  async insertDraft(m: EntityManager, draft: NewDraft): Promise<SessionNote> {
    const [row]: { id: string; created_at: Date; updated_at: Date }[] = await m.query(
      INSERT_DRAFT,
      [
        draft.organizationId,
        draft.clientId,
        draft.authorId,
        draft.startedAt,
        draft.endedAt,
        draft.contactType,
        draft.setting,
        draft.format,
        JSON.stringify(draft.sections),
        draft.goalIds,
        draft.interventions,
        draft.riskFlags,
      ],
    );
    return Object.assign(new SessionNote(), draft, {
      id: row.id,
      status: NoteStatus.Draft,
      signedAt: null,
      contentHash: null,
      lateEntry: false,
      reviewedAt: null,
      reviewerId: null,
      reviewDecision: null,
      reviewComment: null,
      version: 1,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  }

  /** A page of a client's notes, newest first. */
  pageForClient(
    clientId: string,
    status: NoteStatus | undefined,
    pager: Pager,
  ): Promise<SessionNote[]> {
    const qb = this.dataSource
      .getRepository(SessionNote)
      .createQueryBuilder('n')
      .where('n.client_id = :clientId', { clientId });
    if (status) qb.andWhere('n.status = :status', { status });
    return pageNewestFirst(qb, 'n', pager, 'started_at').getMany();
  }

  /** A page of the notes of the clients in the caller's scope, newest first. */
  searchInScope(actor: Principal, filter: NoteSearchFilter, pager: Pager): Promise<SessionNote[]> {
    const qb = this.dataSource
      .getRepository(SessionNote)
      .createQueryBuilder('n')
      .innerJoin('client', 'c', 'c.id = n.client_id')
      .where('n.organization_id = :org', { org: actor.organizationId });
    const scope = clientScope(actor, 'c');
    qb.andWhere(`(${scope.sql})`, scope.params);
    if (filter.status) qb.andWhere('n.status = :status', { status: filter.status });
    if (filter.authorId) qb.andWhere('n.author_id = :authorId', { authorId: filter.authorId });
    if (filter.goalClientId) {
      qb.andWhere('n.client_id = :goalClientId AND n.goal_ids @> ARRAY[:goalId]::uuid[]', {
        goalClientId: filter.goalClientId,
        goalId: filter.goalId,
      });
    }
    if (filter.awaitingReview) {
      qb.andWhere(AWAITING_REVIEW);
      if (filter.reviewerId) qb.andWhere(AUTHOR_SUPERVISED, { me: filter.reviewerId });
    }
    return pageNewestFirst(qb, 'n', pager, 'started_at').getMany();
  }

  /** A note of the organization, locked for update when `lock`. */
  findInOrg(
    m: EntityManager,
    id: string,
    organizationId: string,
    lock = false,
  ): Promise<SessionNote | null> {
    const qb = m
      .getRepository(SessionNote)
      .createQueryBuilder('n')
      .where('n.id = :id AND n.organization_id = :org', { id, org: organizationId });
    if (lock) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  findById(m: EntityManager, id: string): Promise<SessionNote> {
    return m.findOneByOrFail(SessionNote, { id });
  }

  /** A note's addenda, oldest first. */
  addendaOf(noteId: string): Promise<SessionNoteAddendum[]> {
    return this.dataSource
      .getRepository(SessionNoteAddendum)
      .find({ where: { noteId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The draft's editable fields under If-Match (412 when stale, 404 when gone). */
  updateDraftVersioned(
    m: EntityManager,
    where: { id: string; organizationId: string },
    expectedVersion: number,
    patch: Partial<SessionNote>,
  ): Promise<void> {
    return updateVersioned(m, SessionNote, where, expectedVersion, patch);
  }

  /** draft -> signed, with the content hash and the late-entry mark. */
  async markSigned(
    m: EntityManager,
    id: string,
    signed: Pick<SessionNote, 'signedAt' | 'contentHash' | 'lateEntry'>,
  ): Promise<void> {
    await m
      .createQueryBuilder()
      .update(SessionNote)
      .set({
        status: NoteStatus.Signed,
        signedAt: signed.signedAt,
        contentHash: signed.contentHash,
        lateEntry: signed.lateEntry,
        version: () => 'version + 1',
      })
      .where('id = :id AND status = :draft', { id, draft: NoteStatus.Draft })
      .execute();
  }

  /** A supervisor's review decision. */
  async recordReview(
    m: EntityManager,
    id: string,
    review: Pick<
      SessionNote,
      'status' | 'reviewedAt' | 'reviewerId' | 'reviewDecision' | 'reviewComment'
    >,
  ): Promise<void> {
    await m
      .createQueryBuilder()
      .update(SessionNote)
      .set({
        status: review.status,
        reviewedAt: review.reviewedAt,
        reviewerId: review.reviewerId,
        reviewDecision: review.reviewDecision,
        reviewComment: review.reviewComment,
        version: () => 'version + 1',
      })
      .where('id = :id', { id })
      .execute();
  }

  insertAddendum(
    m: EntityManager,
    addendum: Pick<
      SessionNoteAddendum,
      'organizationId' | 'noteId' | 'clientId' | 'authorId' | 'text'
    >,
  ): Promise<SessionNoteAddendum> {
    return m.save(m.create(SessionNoteAddendum, addendum));
  }

  /** A reviewed note corrected by an addendum goes back to the review queue. */
  async reopenForReview(m: EntityManager, id: string): Promise<void> {
    await m.query(
      `UPDATE session_note SET status = 'signed', version = version + 1 WHERE id = $1`,
      [id],
    );
  }

  /** True when the user holds a credential in force today (less the organization's grace days). */
  async holdsCredential(
    m: EntityManager,
    userId: string,
    organizationId: string,
  ): Promise<boolean> {
    const [row] = await m.query(HOLDS_CREDENTIAL, [userId, organizationId]);
    return row.ok;
  }

  /** The client of a goal of the organization, or null. */
  async goalClientId(
    m: EntityManager,
    goalId: string,
    organizationId: string,
  ): Promise<string | null> {
    const [goal]: { client_id: string }[] = await m.query(
      `SELECT client_id FROM goal WHERE id = $1 AND organization_id = $2`,
      [goalId, organizationId],
    );
    return goal ? goal.client_id : null;
  }

  /** True when `supervisorId` supervises a team the author is a member of. */
  async supervises(m: EntityManager, supervisorId: string, authorId: string): Promise<boolean> {
    const [row] = await m.query(`SELECT ${supervises('$1', '$2')} AS ok`, [supervisorId, authorId]);
    return row.ok;
  }

  /** How many of these goals are the client's. */
  async countClientGoals(m: EntityManager, clientId: string, goalIds: string[]): Promise<number> {
    const [row] = await m.query(
      `SELECT count(*)::int AS n FROM goal WHERE id = ANY($1::uuid[]) AND client_id = $2`,
      [goalIds, clientId],
    );
    return row.n;
  }

  /** The client's "last contact" moves forward, never back. */
  async advanceLastContact(m: EntityManager, clientId: string, at: Date): Promise<void> {
    await m.query(
      `UPDATE client SET last_contact_at = GREATEST(last_contact_at, $2) WHERE id = $1`,
      [clientId, at],
    );
  }

  /** A note's author and the crisis flags it raises (sorted), or undefined when it is gone. */
  async crisisFlagsOf(
    noteId: string,
    organizationId: string,
  ): Promise<{ author_id: string; flags: string[] } | undefined> {
    const [note]: { author_id: string; flags: string[] }[] = await this.dataSource.query(
      `SELECT author_id, ARRAY(SELECT unnest(risk_flags) INTERSECT SELECT unnest($3::text[]) ORDER BY 1) AS flags
       FROM session_note WHERE id = $1 AND organization_id = $2`,
      [noteId, organizationId, CRISIS_FLAGS],
    );
    return note;
  }

  /** The supervisors to alert of a crisis flag (current role and status). */
  async crisisRecipientIds(
    authorId: string,
    clientId: string,
    organizationId: string,
  ): Promise<string[]> {
    const supervisors: { id: string }[] = await this.dataSource.query(CRISIS_RECIPIENTS, [
      authorId,
      clientId,
      organizationId,
    ]);
    return supervisors.map((s) => s.id);
  }

  /**
   * A client's history, newest first, in one SQL statement whatever its length: each source is
   * cut to the page by its own (client_id, instant) index, then merged.
   */
  timelinePage(clientId: string, after: Keyset | undefined, limit: number): Promise<TimelineRow[]> {
    const keyset = after ? `WHERE (t.occurred_at, t.id) < ($2::timestamptz, $3::uuid)` : '';
    const branches = TIMELINE_SOURCES.map(
      (sql) =>
        `(SELECT * FROM (${sql}) t ${keyset} ORDER BY t.occurred_at DESC, t.id DESC LIMIT ${limit})`,
    );
    return this.dataSource.query(
      `SELECT * FROM (${branches.join(' UNION ALL ')}) u ORDER BY u.occurred_at DESC, u.id DESC LIMIT ${limit}`,
      after ? [clientId, after.key, after.id] : [clientId],
    );
  }
}
