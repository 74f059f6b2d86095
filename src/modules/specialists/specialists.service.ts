import { Injectable } from '@nestjs/common';

import { Role } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { DomainError } from '../../common/errors/domain-error';
import { UnitOfWork } from '../audit/unit-of-work';
import {
  CreateCeHoursDto,
  CeHoursResponse,
  CreateSupervisionHoursDto,
  SupervisionHoursResponse,
} from './dto/hours.dto';
import { SpecialistResponse, UpdateSpecialistDto } from './dto/specialist.response';
import { certificationStatus, renewalProgress, renewalRuleOf } from './renewal';
import { SpecialistRepository } from './specialist.repository';

const utcDate = (d: Date): string => d.toISOString().slice(0, 10);
// json_build_object renders timestamptz with the session offset; normalize to ISO UTC.
const isoInstant = (s: string): string => new Date(s).toISOString();

@Injectable()
export class SpecialistsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly specialists: SpecialistRepository,
  ) {}

  async get(actor: UserPrincipal, id: string): Promise<SpecialistResponse> {
    await this.specialists.requireInScope(undefined, actor, id, 'self');
    return this.load(id);
  }

  async update(
    actor: UserPrincipal,
    id: string,
    expectedVersion: number,
    dto: UpdateSpecialistDto,
  ): Promise<SpecialistResponse> {
    await this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.specialists.requireInScope(m, actor, id, 'oversight');
      const current = await this.specialists.lockProfileVersion(m, id);
      if ((current ?? 1) !== expectedVersion) throw stale();
      const updated = await this.specialists.upsertCaseloadCap(
        m,
        id,
        actor.organizationId,
        dto.caseloadCap === undefined ? null : dto.caseloadCap,
        expectedVersion,
      );
      if (!updated) throw stale();
      tx.audit({
        action: 'specialist.update',
        resourceType: 'Specialist',
        resourceId: id,
      });
    });
    return this.load(id);
  }

  async addCeHours(
    actor: UserPrincipal,
    id: string,
    dto: CreateCeHoursDto,
  ): Promise<CeHoursResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.specialists.requireInScope(m, actor, id, 'self');
      const row = await this.specialists.insertCeHours(m, {
        organizationId: actor.organizationId,
        userId: id,
        hours: dto.hours,
        category: dto.category,
        completedOn: dto.completedOn,
        title: dto.title,
        createdById: actor.id,
      });
      tx.audit({
        action: 'specialist.ce-hours.create',
        resourceType: 'SpecialistCeHour',
        resourceId: row.id,
      });
      return { ...row, createdAt: row.createdAt.toISOString() };
    });
  }

  async addSupervisionHours(
    actor: UserPrincipal,
    id: string,
    dto: CreateSupervisionHoursDto,
  ): Promise<SupervisionHoursResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.specialists.requireInScope(m, actor, id, 'oversight');
      const row = await this.specialists.insertSupervisionHours(m, {
        organizationId: actor.organizationId,
        userId: id,
        supervisorId: actor.role === Role.Supervisor ? actor.id : null,
        hours: dto.hours,
        occurredOn: dto.occurredOn,
      });
      tx.audit({
        action: 'specialist.supervision-hours.create',
        resourceType: 'SpecialistSupervisionHour',
        resourceId: row.id,
      });
      return { ...row, createdAt: row.createdAt.toISOString() };
    });
  }

  private async load(id: string): Promise<SpecialistResponse> {
    const row = await this.specialists.loadProfile(id);
    const ceHours = row.ceHours.map((e: CeHoursResponse) => ({
      ...e,
      hours: Number(e.hours),
      createdAt: isoInstant(e.createdAt),
    }));
    const supervisionHours = row.supervisionHours.map((e: SupervisionHoursResponse) => ({
      ...e,
      hours: Number(e.hours),
      createdAt: isoInstant(e.createdAt),
    }));
    const latestExpiresOn: string | null = row.certifications[0]?.expiresOn ?? null;
    return {
      id: row.id,
      version: row.version,
      firstName: row.firstName,
      lastName: row.lastName,
      role: row.role,
      active: row.active,
      certificationStatus: certificationStatus(latestExpiresOn, utcDate(new Date())),
      certificationExpiresOn: latestExpiresOn,
      certifications: row.certifications,
      ceHours,
      renewal: renewalProgress(renewalRuleOf(row.settings), latestExpiresOn, ceHours),
      supervisionHours,
      supervisionHoursTotal:
        Math.round(
          supervisionHours.reduce((s: number, e: { hours: number }) => s + e.hours, 0) * 100,
        ) / 100,
      caseloadCap: row.cap,
      caseloadCapOverride: row.capOverride,
      activeCaseloadCount: row.activeCount,
    };
  }
}

const stale = (): DomainError =>
  new DomainError('PRECONDITION_FAILED', 'The record changed since you read it; reload and retry.');
