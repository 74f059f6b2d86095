import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { requireSpecialist } from '../../auth/access/specialist-scope';
import { Role } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { DomainError } from '../../common/errors/domain-error';
import { UnitOfWork } from '../audit/unit-of-work';
import { EFFECTIVE_CAP_SQL } from './caseload-rules.service';
import {
  CreateCeHoursDto,
  CeHoursResponse,
  CreateSupervisionHoursDto,
  SupervisionHoursResponse,
} from './dto/hours.dto';
import { SpecialistResponse, UpdateSpecialistDto } from './dto/specialist.response';
import { certificationStatus, renewalProgress, renewalRuleOf } from './renewal';

// The whole profile in one statement; ledgers are short (a few entries a year).
const PROFILE = `SELECT u.id, u.first_name AS "firstName", u.last_name AS "lastName", u.role, u.active,
    coalesce(p.version, 1) AS version, p.caseload_cap AS "capOverride", ${EFFECTIVE_CAP_SQL} AS cap, o.settings,
    (SELECT count(*)::int FROM client c WHERE c.primary_specialist_id = u.id AND c.status <> 'closed'
      AND c.deleted_at IS NULL) AS "activeCount",
    coalesce((SELECT json_agg(json_build_object('id', sc.id, 'credential', sc.credential, 'number', sc.number,
        'issuingState', sc.issuing_state, 'issuedOn', sc.issued_on, 'expiresOn', sc.expires_on, 'version', sc.version)
        ORDER BY sc.expires_on DESC, sc.id) FROM specialist_certification sc WHERE sc.user_id = u.id), '[]') AS certifications,
    coalesce((SELECT json_agg(json_build_object('id', ce.id, 'hours', ce.hours, 'category', ce.category,
        'completedOn', ce.completed_on, 'title', ce.title, 'createdAt', ce.created_at)
        ORDER BY ce.completed_on DESC, ce.id) FROM specialist_ce_hour ce WHERE ce.user_id = u.id), '[]') AS "ceHours",
    coalesce((SELECT json_agg(json_build_object('id', sh.id, 'hours', sh.hours, 'occurredOn', sh.occurred_on,
        'supervisorId', sh.supervisor_id, 'createdAt', sh.created_at)
        ORDER BY sh.occurred_on DESC, sh.id) FROM specialist_supervision_hour sh WHERE sh.user_id = u.id), '[]') AS "supervisionHours"
  FROM app_user u JOIN organization o ON o.id = u.organization_id
  LEFT JOIN specialist_profile p ON p.user_id = u.id
  WHERE u.id = $1`;

const utcDate = (d: Date): string => d.toISOString().slice(0, 10);
// json_build_object renders timestamptz with the session offset; normalize to ISO UTC.
const isoInstant = (s: string): string => new Date(s).toISOString();

@Injectable()
export class SpecialistsService {
  constructor(
    private readonly uow: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async get(actor: UserPrincipal, id: string): Promise<SpecialistResponse> {
    await requireSpecialist(this.dataSource.manager, actor, id, 'self');
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
      await requireSpecialist(m, actor, id, 'oversight');
      const [current] = await m.query(
        `SELECT version FROM specialist_profile WHERE user_id = $1 FOR UPDATE`,
        [id],
      );
      if ((current?.version ?? 1) !== expectedVersion) throw stale();
      const rows = await m.query(
        `INSERT INTO specialist_profile (user_id, organization_id, caseload_cap, version) VALUES ($1, $2, $3, 2)
         ON CONFLICT (user_id) DO UPDATE SET caseload_cap = EXCLUDED.caseload_cap,
           version = specialist_profile.version + 1, updated_at = now()
         WHERE specialist_profile.version = $4
         RETURNING version`,
        [
          id,
          actor.organizationId,
          dto.caseloadCap === undefined ? null : dto.caseloadCap,
          expectedVersion,
        ],
      );
      if (rows.length === 0) throw stale();
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
      await requireSpecialist(m, actor, id, 'self');
      const [row] = await m.query(
        `INSERT INTO specialist_ce_hour (organization_id, user_id, hours, category, completed_on, title, created_by_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING id, hours::float8 AS hours, category, completed_on::text AS "completedOn", title, created_at AS "createdAt"`,
        [actor.organizationId, id, dto.hours, dto.category, dto.completedOn, dto.title, actor.id],
      );
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
      await requireSpecialist(m, actor, id, 'oversight');
      const [row] = await m.query(
        `INSERT INTO specialist_supervision_hour (organization_id, user_id, supervisor_id, hours, occurred_on)
         VALUES ($1, $2, $3, $4, $5)
         RETURNING id, hours::float8 AS hours, occurred_on::text AS "occurredOn", supervisor_id AS "supervisorId",
           created_at AS "createdAt"`,
        [
          actor.organizationId,
          id,
          actor.role === Role.Supervisor ? actor.id : null,
          dto.hours,
          dto.occurredOn,
        ],
      );
      tx.audit({
        action: 'specialist.supervision-hours.create',
        resourceType: 'SpecialistSupervisionHour',
        resourceId: row.id,
      });
      return { ...row, createdAt: row.createdAt.toISOString() };
    });
  }

  private async load(id: string): Promise<SpecialistResponse> {
    const [row] = await this.dataSource.query(PROFILE, [id]);
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
