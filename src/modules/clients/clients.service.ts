import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { AccessService } from '../../auth/access.service';
import { Role } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { Page, Pager } from '../../common/dto/pagination';
import { isUniqueViolation } from '../../database/pg-errors';
import { AuditService } from '../audit/audit.service';
import { UnitOfWork } from '../audit/unit-of-work';
import { FollowUpsService } from '../follow-ups/follow-ups.service';
import { CaseloadRulesService } from '../specialists/caseload-rules.service';
import { ClientMatchFound, DedupeCandidate, dedupeKey } from './client-dedupe';
import { toClientResponse } from './client.mapper';
import { uniqueIdentifiers } from './client.queries';
import { ClientRepository, NewClient } from './client.repository';
import { SupervisorOnlyFieldError } from './clients.errors';
import { DuplicateProbeService } from './duplicate-probe.service';
import { ClientResponse } from './dto/client.response';
import { ClientIdentifierDto, CreateClientDto } from './dto/create-client.dto';
import { ListClientsQuery } from './dto/list-clients.query';
import { UpdateClientDto } from './dto/update-client.dto';

@Injectable()
export class ClientsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clients: ClientRepository,
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
        await this.assertNoDuplicate(
          m,
          { ...dto, organizationId: actor.organizationId, identifiers },
          dto.allowDuplicate === true,
        );
        if (specialistId && isSupervisor)
          await this.rules.requireAssignable(m, actor, specialistId);
        if (specialistId && !dto.overrideCaseloadCap)
          await this.rules.assertUnderCap(m, specialistId);
        const id = await this.clients.insert(m, newClient(actor, dto, specialistId), actor.id);
        await this.clients.replaceIdentifiers(m, actor.organizationId, id, identifiers);
        const row = await this.clients.findRow(m, id);
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
    const row = await this.clients.findRow(undefined, id);
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
          await this.clients.updateVersioned(
            m,
            { id, organizationId: actor.organizationId },
            expectedVersion,
            fields,
          );
          if (unique) await this.clients.replaceIdentifiers(m, actor.organizationId, id, unique);
          // Closing the client ends the discharge bridge: its remaining follow-ups are cancelled.
          if (fields.status === 'closed' && client.status !== 'closed') {
            await this.followUps.cancelOpenForClient(m, id);
          }
          const row = await this.clients.findRow(m, id);
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
      await this.clients.requireFilterableSpecialist(actor, query.specialistId);
    }
    const rows = await this.clients.listInScope(actor, query, pager);
    await this.audit.recordReads(
      actor,
      { action: 'client.list', resourceType: 'Client' },
      rows.slice(0, query.limit).map((r: { id: string }) => r.id),
    );
    return pager.page(rows, (r) => ({ key: r.createdAtKey, id: r.id }), toClientResponse);
  }

  /**
   * Refuses a client that matches an existing one. An identifier names one person, so a match on
   * it is always refused; a name and date-of-birth match may be overridden (`allowNameMatch`),
   * since two people can share both. Serializes concurrent creates of the same person first.
   */
  private async assertNoDuplicate(
    m: EntityManager,
    c: DedupeCandidate,
    allowNameMatch: boolean,
  ): Promise<void> {
    await this.clients.lockDedupeKey(m, dedupeKey(c));
    const byIdentifier = await this.clients.findIdByIdentifiers(
      m,
      c.organizationId,
      c.identifiers,
      null,
    );
    if (byIdentifier) throw new ClientMatchFound(byIdentifier);
    if (allowNameMatch) return;
    const byName = await this.clients.findIdByDemographics(m, c);
    if (byName) throw new ClientMatchFound(byName);
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
      const existing = await this.clients.findIdByIdentifiers(
        undefined,
        target.organizationId,
        target.identifiers,
        target.clientId ?? null,
      );
      return this.probes.answer(actor, existing);
    }
  }
}

const newClient = (
  actor: UserPrincipal,
  dto: CreateClientDto,
  specialistId: string | null,
): NewClient => ({
  organizationId: actor.organizationId,
  firstName: dto.firstName,
  lastName: dto.lastName,
  preferredName: dto.preferredName ?? null,
  dateOfBirth: dto.dateOfBirth,
  pronouns: dto.pronouns ?? null,
  email: dto.email ?? null,
  phone: dto.phone ?? null,
  preferredContactMethod: dto.preferredContactMethod ?? null,
  recoveryStartDate: dto.recoveryStartDate ?? null,
  status: dto.status ?? 'active',
  primarySpecialistId: specialistId,
  part2NoticeAcknowledgedOn: dto.part2NoticeAcknowledgedOn ?? null,
});
