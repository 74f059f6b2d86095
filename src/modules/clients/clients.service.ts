import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { requireFilterableSpecialist } from '../../auth/access/specialist-scope';
import { AccessService } from '../../auth/access.service';
import { Role } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { Page, Pager } from '../../common/dto/pagination';
import { pageNewestFirst } from '../../common/dto/keyset';
import { updateVersioned } from '../../common/http/etag';
import { isUniqueViolation } from '../../database/pg-errors';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../audit/unit-of-work';
import { FollowUpsService } from '../follow-ups/follow-ups.service';
import { CaseloadRulesService } from '../specialists/caseload-rules.service';
import { assertNoDuplicate, ClientMatchFound, findByIdentifiers } from './client-dedupe';
import { Client } from './client.entity';
import { toClientResponse } from './client.mapper';
import {
  findClientRow,
  replaceIdentifiers,
  selectClients,
  uniqueIdentifiers,
} from './client.queries';
import { SupervisorOnlyFieldError } from './clients.errors';
import { DuplicateProbeService } from './duplicate-probe.service';
import { ClientResponse } from './dto/client.response';
import { ClientIdentifierDto, CreateClientDto } from './dto/create-client.dto';
import { ListClientsQuery } from './dto/list-clients.query';
import { UpdateClientDto } from './dto/update-client.dto';

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

@Injectable()
export class ClientsService {
  constructor(
    private readonly uow: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly audit: AuditService,
    private readonly rules: CaseloadRulesService,
    private readonly followUps: FollowUpsService,
    private readonly probes: DuplicateProbeService,
  ) {}

  async create(actor: UserPrincipal, dto: CreateClientDto): Promise<ClientResponse> {
    const isSupervisor = actor.role === Role.Supervisor;
    if (
      !isSupervisor &&
      (dto.allowDuplicate || dto.overrideCaseloadCap || dto.primarySpecialistId !== undefined)
    ) {
      throw new SupervisorOnlyFieldError();
    }
    // A peer's new client joins their own caseload; a supervisor's joins the chosen one or the queue.
    const specialistId = isSupervisor ? (dto.primarySpecialistId ?? null) : actor.id;
    const identifiers = uniqueIdentifiers(dto.identifiers ?? []);
    await this.probes.assertNotLimited(actor);
    return this.answerMatches(actor, { organizationId: actor.organizationId, identifiers }, () =>
      this.uow.run(actor, async (tx) => {
        const m = tx.manager;
        await assertNoDuplicate(
          m,
          { ...dto, organizationId: actor.organizationId, identifiers },
          dto.allowDuplicate === true,
        );
        if (specialistId && isSupervisor)
          await this.rules.requireAssignable(m, actor, specialistId);
        if (specialistId && !dto.overrideCaseloadCap)
          await this.rules.assertUnderCap(m, specialistId);
        const id = await this.insert(m, actor, dto, specialistId);
        await replaceIdentifiers(m, actor.organizationId, id, identifiers);
        const row = await findClientRow(m, id);
        tx.audit({
          action: 'client.create',
          clientId: id,
          resourceType: 'Client',
          resourceId: id,
        });
        return toClientResponse(row);
      }),
    );
  }

  async get(actor: UserPrincipal, id: string): Promise<ClientResponse> {
    await this.access.requireClient(actor, id);
    const row = await findClientRow(this.dataSource.manager, id);
    await this.audit.recordNow(actor, {
      action: 'client.read',
      clientId: id,
      resourceType: 'Client',
      resourceId: id,
    });
    return toClientResponse(row);
  }

  async update(
    actor: UserPrincipal,
    id: string,
    expectedVersion: number,
    dto: UpdateClientDto,
  ): Promise<ClientResponse> {
    const { identifiers, overrideCaseloadCap, ...fields } = dto;
    if (overrideCaseloadCap && actor.role !== Role.Supervisor) throw new SupervisorOnlyFieldError();
    const unique = identifiers ? uniqueIdentifiers(identifiers) : undefined;
    // Setting identifiers can match another client, like creating one: the same limit holds.
    if (unique) await this.probes.assertNotLimited(actor);
    return this.answerMatches(
      actor,
      { organizationId: actor.organizationId, identifiers: unique ?? [], clientId: id },
      () =>
        this.uow.run(actor, async (tx) => {
          const m = tx.manager;
          const client = await this.access.requireClient(actor, id, m);
          const reopening =
            client.status === 'closed' && fields.status !== undefined && fields.status !== 'closed';
          // Reopening a client adds it back to the caseload: held to the cap, as creating one is;
          // only a supervisor's explicit override goes beyond it (SPEC section 4).
          if (reopening && client.primarySpecialistId && !overrideCaseloadCap) {
            await this.rules.assertUnderCap(m, client.primarySpecialistId, id);
          }
          await updateVersioned(
            m,
            Client,
            { id, organizationId: actor.organizationId },
            expectedVersion,
            fields,
          );
          if (unique) await replaceIdentifiers(m, actor.organizationId, id, unique);
          // Closing the client ends the discharge bridge: its remaining follow-ups are cancelled.
          if (fields.status === 'closed' && client.status !== 'closed') {
            await this.followUps.cancelOpenForClient(m, id);
          }
          const row = await findClientRow(m, id);
          tx.audit({
            action: 'client.update',
            clientId: id,
            resourceType: 'Client',
            resourceId: id,
          });
          return toClientResponse(row);
        }),
    );
  }

  async list(actor: UserPrincipal, query: ListClientsQuery): Promise<Page<ClientResponse>> {
    const pager = new Pager(query, { principal: actor, list: 'clients' });
    if (query.specialistId) {
      await requireFilterableSpecialist(this.dataSource.manager, actor, query.specialistId);
    }
    const qb = this.access.scopeClients(selectClients(this.dataSource.manager), actor);
    if (query.q) {
      qb.andWhere(
        `lower(c.first_name || ' ' || c.last_name || ' ' || coalesce(c.preferred_name, '')) LIKE :q`,
        {
          q: `%${escapeLike(query.q.toLowerCase())}%`,
        },
      );
    }
    if (query.identifier) {
      const bar = query.identifier.indexOf('|');
      qb.andWhere(
        `c.id IN (SELECT ci.client_id FROM client_identifier ci
          WHERE ci.organization_id = :scopeOrgId AND ci.system = :idSystem AND ci.value = :idValue)`,
        { idSystem: query.identifier.slice(0, bar), idValue: query.identifier.slice(bar + 1) },
      );
    }
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.specialistId)
      qb.andWhere('c.primary_specialist_id = :specialistId', { specialistId: query.specialistId });
    if (query.noContactDays !== undefined) {
      qb.andWhere(
        `(c.last_contact_at IS NULL OR c.last_contact_at < now() - make_interval(days => :days))`,
        {
          days: query.noContactDays,
        },
      );
    }
    if (query.assigned !== undefined) {
      qb.andWhere(
        query.assigned ? 'c.primary_specialist_id IS NOT NULL' : 'c.primary_specialist_id IS NULL',
      );
    }
    if (query.needsReassignment !== undefined) {
      qb.andWhere('c.needs_reassignment = :needsReassignment', {
        needsReassignment: query.needsReassignment,
      });
    }
    const rows = await pageNewestFirst(qb, 'c', pager).getRawMany();
    await this.audit.recordReads(
      actor,
      { action: 'client.list', resourceType: 'Client' },
      rows.slice(0, query.limit).map((r: { id: string }) => r.id),
    );
    return pager.page(rows, (r) => ({ key: r.createdAtKey, id: r.id }), toClientResponse);
  }

  private async insert(
    m: EntityManager,
    actor: UserPrincipal,
    dto: CreateClientDto,
    specialistId: string | null,
  ): Promise<string> {
    const [{ id }] = await m.query(
      `INSERT INTO client (organization_id, first_name, last_name, preferred_name, date_of_birth, pronouns, email, phone,
         preferred_contact_method, recovery_start_date, status, primary_specialist_id, part2_notice_acknowledged_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
        actor.organizationId,
        dto.firstName,
        dto.lastName,
        dto.preferredName ?? null,
        dto.dateOfBirth,
        dto.pronouns ?? null,
        dto.email ?? null,
        dto.phone ?? null,
        dto.preferredContactMethod ?? null,
        dto.recoveryStartDate ?? null,
        dto.status ?? 'active',
        specialistId,
        dto.part2NoticeAcknowledgedOn ?? null,
      ],
    );
    if (specialistId) {
      await m.query(
        `INSERT INTO client_assignment (client_id, specialist_id, assigned_by_id) VALUES ($1, $2, $3)`,
        [id, specialistId, actor.id],
      );
    }
    return id;
  }

  /**
   * Runs a client write; a match with an existing client (found by the dedupe check, or by the
   * identifier's unique key when two writers race) is answered after the write rolled back, by
   * DuplicateProbeService: audited, counted, and with the id only for a caller who may read it.
   */
  private async answerMatches<T>(
    actor: UserPrincipal,
    target: { organizationId: string; identifiers: ClientIdentifierDto[]; clientId?: string },
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof ClientMatchFound) return this.probes.answer(actor, err.existingClientId);
      if (!isUniqueViolation(err, 'client_identifier_org_uq')) throw err;
      const existing = await findByIdentifiers(
        this.dataSource.manager,
        target,
        target.clientId ?? null,
      );
      return this.probes.answer(actor, existing);
    }
  }
}
