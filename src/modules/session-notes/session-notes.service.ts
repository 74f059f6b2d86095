import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { reviewableBy } from '../../auth/access/scope.sql';
import { requireFilterableSpecialist } from '../../auth/access/specialist-scope';
import { AccessService } from '../../auth/access.service';
import { Role } from '../../auth/permissions';
import { Principal, UserPrincipal } from '../../auth/principal';
import { pageNewestFirst } from '../../common/dto/keyset';
import { Page, Pager } from '../../common/dto/pagination';
import { FieldError, ValidationError } from '../../common/errors/domain-error';
import { updateVersioned } from '../../common/http/etag';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../audit/unit-of-work';
import { CreateSessionNoteDto, UpdateSessionNoteDto } from './dto/session-note.dto';
import { ClientNotesQuery, NoteSearchQuery } from './dto/session-note.query';
import { SessionNoteResponse } from './dto/session-note.response';
import { findStigmatizingLanguage } from './recovery-language';
import { SessionNoteAddendum } from './session-note-addendum.entity';
import { SessionNoteSupport } from './session-note-support.service';
import { SessionNote } from './session-note.entity';
import { NoteStatus } from './session-note.enums';
import { toAddendumResponse, toSessionNoteResponse } from './session-note.mapper';
import { periodErrors, sectionErrors } from './session-note.rules';
import { NoteAlreadySignedError, NotNoteAuthorError } from './session-notes.errors';

// Signed, and either never reviewed or corrected by an addendum since the last review.
const AWAITING_REVIEW = `n.status = 'signed' AND (n.reviewed_at IS NULL OR EXISTS (SELECT 1 FROM session_note_addendum a
  WHERE a.note_id = n.id AND a.created_at > n.reviewed_at))`;
const AUTHOR_SUPERVISED = reviewableBy('n', ':me');

const INSERT_DRAFT = `INSERT INTO session_note (organization_id, client_id, author_id, status, started_at,
  ended_at, contact_type, setting, format, sections, goal_ids, interventions, risk_flags, late_entry, version)
  VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10, $11, $12, false, 1)
  RETURNING id, created_at, updated_at`;

type NewDraft = Pick<
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

const throwIfAny = (errors: FieldError[]): void => {
  if (errors.length > 0) throw new ValidationError(errors);
};

/** Drafting and reading session notes. Signing, addenda and review: SessionNoteSigningService. */
@Injectable()
export class SessionNotesService {
  constructor(
    private readonly uow: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly support: SessionNoteSupport,
  ) {}

  async create(
    actor: UserPrincipal,
    clientId: string,
    dto: CreateSessionNoteDto,
  ): Promise<SessionNoteResponse> {
    const sections = dto.sections ?? {};
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.access.requireClient(actor, clientId, m);
      const startedAt = new Date(dto.startedAt);
      const endedAt = new Date(dto.endedAt);
      throwIfAny([
        ...periodErrors(startedAt, endedAt, new Date()),
        ...sectionErrors(dto.format, sections),
      ]);
      await this.support.assertGoals(m, clientId, dto.goalIds ?? []);
      const note = await this.insertDraft(m, {
        organizationId: actor.organizationId,
        clientId,
        authorId: actor.id,
        startedAt,
        endedAt,
        contactType: dto.contactType,
        setting: dto.setting ?? null,
        format: dto.format,
        sections,
        goalIds: dto.goalIds ?? [],
        interventions: dto.interventions ?? [],
        riskFlags: dto.riskFlags ?? [],
      });
      await this.support.recordContact(m, note);
      this.support.enqueueCrisis(tx, note);
      tx.audit({
        action: 'session-note.create',
        clientId,
        resourceType: 'SessionNote',
        resourceId: note.id,
      });
      return this.support.withPlanPointer(m, {
        ...toSessionNoteResponse(note),
        warnings: findStigmatizingLanguage(sections),
      });
    });
  }

  /**
   * One INSERT ... RETURNING of the generated columns; the rest of the note is what was written.
   * (`save()` of a new entity costs several times the CPU for the same statement.)
   */
  private async insertDraft(m: EntityManager, draft: NewDraft): Promise<SessionNote> {
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

  async listForClient(
    actor: Principal,
    clientId: string,
    query: ClientNotesQuery,
  ): Promise<Page<SessionNoteResponse>> {
    const pager = new Pager(query, { principal: actor, list: `session-notes:${clientId}` });
    await this.access.requireClient(actor, clientId);
    const qb = this.dataSource
      .getRepository(SessionNote)
      .createQueryBuilder('n')
      .where('n.client_id = :clientId', { clientId });
    if (query.status) qb.andWhere('n.status = :status', { status: query.status });
    const rows = await pageNewestFirst(qb, 'n', pager, 'started_at').getMany();
    await this.audit.recordNow(actor, {
      action: 'session-note.list',
      clientId,
      resourceType: 'SessionNote',
    });
    return this.toNotePage(rows, pager);
  }

  /** Notes across the caller's scope: drafts to finish, or a supervisor's review queue. */
  async search(actor: UserPrincipal, query: NoteSearchQuery): Promise<Page<SessionNoteResponse>> {
    const pager = new Pager(query, { principal: actor, list: 'session-notes' });
    if (query.authorId) {
      await requireFilterableSpecialist(this.dataSource.manager, actor, query.authorId);
    }
    const goalClientId = query.goalId
      ? await this.support.requireGoalClient(actor, query.goalId, this.dataSource.manager)
      : null;
    const qb = this.dataSource
      .getRepository(SessionNote)
      .createQueryBuilder('n')
      .innerJoin('client', 'c', 'c.id = n.client_id')
      .where('n.organization_id = :org', { org: actor.organizationId });
    this.access.scopeClients(qb, actor, 'c');
    if (query.status) qb.andWhere('n.status = :status', { status: query.status });
    if (query.authorId) qb.andWhere('n.author_id = :authorId', { authorId: query.authorId });
    if (goalClientId) {
      qb.andWhere('n.client_id = :goalClientId AND n.goal_ids @> ARRAY[:goalId]::uuid[]', {
        goalClientId,
        goalId: query.goalId,
      });
    }
    if (query.awaitingReview) {
      qb.andWhere(AWAITING_REVIEW);
      // A supervisor reviews the notes of their own teams' specialists only.
      if (actor.role === Role.Supervisor) qb.andWhere(AUTHOR_SUPERVISED, { me: actor.id });
    }
    const rows = await pageNewestFirst(qb, 'n', pager, 'started_at').getMany();
    await this.auditReads(actor, rows, query.limit);
    return this.toNotePage(rows, pager);
  }

  async get(actor: Principal, id: string): Promise<SessionNoteResponse> {
    const note = await this.support.requireNote(actor, id, this.dataSource.manager);
    const addenda = await this.dataSource
      .getRepository(SessionNoteAddendum)
      .find({ where: { noteId: id }, order: { createdAt: 'ASC', id: 'ASC' } });
    await this.audit.recordNow(actor, {
      action: 'session-note.read',
      clientId: note.clientId,
      resourceType: 'SessionNote',
      resourceId: id,
    });
    return this.support.withPlanPointer(this.dataSource.manager, {
      ...toSessionNoteResponse(note),
      addenda: addenda.map(toAddendumResponse),
    });
  }

  /** Drafts only, by their author, under If-Match. A signed note answers 409: corrections are addenda. */
  async update(
    actor: UserPrincipal,
    id: string,
    expectedVersion: number,
    dto: UpdateSessionNoteDto,
  ): Promise<SessionNoteResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const note = await this.support.requireNote(actor, id, m);
      if (note.status !== NoteStatus.Draft) throw new NoteAlreadySignedError();
      if (note.authorId !== actor.id) throw new NotNoteAuthorError();
      const patch = this.validatedPatch(note, dto);
      await this.support.assertGoals(m, note.clientId, dto.goalIds ?? []);
      await updateVersioned(
        m,
        SessionNote,
        { id, organizationId: actor.organizationId },
        expectedVersion,
        patch,
      );
      const saved = await m.findOneByOrFail(SessionNote, { id });
      this.support.enqueueCrisis(tx, saved);
      tx.audit({
        action: 'session-note.update',
        clientId: note.clientId,
        resourceType: 'SessionNote',
        resourceId: id,
      });
      return this.support.withPlanPointer(m, {
        ...toSessionNoteResponse(saved),
        warnings: findStigmatizingLanguage(saved.sections),
      });
    });
  }

  private validatedPatch(note: SessionNote, dto: UpdateSessionNoteDto): Partial<SessionNote> {
    const startedAt = dto.startedAt ? new Date(dto.startedAt) : note.startedAt;
    const endedAt = dto.endedAt ? new Date(dto.endedAt) : note.endedAt;
    const format = dto.format ?? note.format;
    const sections = dto.sections ?? note.sections;
    throwIfAny([
      ...periodErrors(startedAt, endedAt, new Date()),
      ...sectionErrors(format, sections),
    ]);
    const patch: Partial<SessionNote> = { startedAt, endedAt, format, sections };
    if (dto.contactType) patch.contactType = dto.contactType;
    if (dto.setting !== undefined) patch.setting = dto.setting;
    if (dto.goalIds) patch.goalIds = dto.goalIds;
    if (dto.interventions) patch.interventions = dto.interventions;
    if (dto.riskFlags) patch.riskFlags = dto.riskFlags;
    return patch;
  }

  /** One audit event per client whose notes the page showed (ids only). */
  private auditReads(actor: Principal, rows: SessionNote[], limit: number): Promise<void> {
    return this.audit.recordReads(
      actor,
      { action: 'session-note.list', resourceType: 'SessionNote' },
      rows.slice(0, limit).map((n) => n.clientId),
    );
  }

  private toNotePage(rows: SessionNote[], pager: Pager): Page<SessionNoteResponse> {
    return pager.page(
      rows,
      (n) => ({ key: n.startedAt.toISOString(), id: n.id }),
      toSessionNoteResponse,
    );
  }
}
