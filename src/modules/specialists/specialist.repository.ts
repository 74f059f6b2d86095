import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { requireSpecialist, SpecialistScope } from '../../auth/access/specialist-scope';
import { UserPrincipal } from '../../auth/principal';
import { updateVersioned } from '../../common/http/etag';
import { ASSIGNABLE, CAP_CHECK, EFFECTIVE_CAP_SQL } from './specialist.queries';
import { CertificationResponse } from './dto/certification.dto';
import { CeHoursResponse, SupervisionHoursResponse } from './dto/hours.dto';
import { SpecialistCertification } from './specialist-certification.entity';

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

const RETURNING = `id, credential, number, issuing_state AS "issuingState", issued_on::text AS "issuedOn",
  expires_on::text AS "expiresOn", version`;

/** The columns of a new CE hours entry. */
export interface NewCeHours {
  organizationId: string;
  userId: string;
  hours: number;
  category: string;
  completedOn: string;
  title: string;
  createdById: string;
}

/** The columns of a new supervision hours entry. */
export interface NewSupervisionHours {
  organizationId: string;
  userId: string;
  supervisorId: string | null;
  hours: number;
  occurredOn: string;
}

/** The columns of a new certification. */
export interface NewCertification {
  organizationId: string;
  userId: string;
  credential: string;
  number: string;
  issuingState: string;
  issuedOn: string;
  expiresOn: string;
}

/** An inserted ledger entry, `createdAt` as the driver gives it. */
type Inserted<T> = Omit<T, 'createdAt'> & { createdAt: Date };

/** The SQL of specialists' profiles, ledgers (CE and supervision hours) and certifications. */
@Injectable()
export class SpecialistRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Whether the supervisor may give the specialist a caseload (active peer on their teams). */
  async isAssignable(
    m: EntityManager,
    specialistId: string,
    organizationId: string,
    supervisorId: string,
  ): Promise<boolean> {
    const rows: unknown[] = await m.query(ASSIGNABLE, [specialistId, organizationId, supervisorId]);
    return rows.length > 0;
  }

  /** Serializes the caseload changes of one specialist (the cap is checked under this lock). */
  async lockForCaseload(m: EntityManager, specialistId: string): Promise<void> {
    await m.query(`SELECT 1 FROM app_user WHERE id = $1 FOR NO KEY UPDATE`, [specialistId]);
  }

  /** The specialist's effective cap and the clients on their caseload (but `excludeClientId`). */
  async capAndActive(
    m: EntityManager,
    specialistId: string,
    excludeClientId: string | null,
  ): Promise<{ cap: number; active: number } | undefined> {
    const [row]: { cap: number; active: number }[] = await m.query(CAP_CHECK, [
      specialistId,
      excludeClientId,
    ]);
    return row;
  }

  /** 404 unless the caller may see the specialist (inside a write: its transaction's manager). */
  requireInScope(
    m: EntityManager | undefined,
    actor: UserPrincipal,
    specialistId: string,
    scope: SpecialistScope,
  ): Promise<void> {
    return requireSpecialist(m ?? this.dataSource.manager, actor, specialistId, scope);
  }

  /** The whole profile (raw row: ledgers as JSON), in one statement. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async loadProfile(id: string): Promise<any> {
    const [row] = await this.dataSource.query(PROFILE, [id]);
    return row;
  }

  /** The profile's version, its row held FOR UPDATE (undefined: no profile row yet). */
  async lockProfileVersion(m: EntityManager, userId: string): Promise<number | undefined> {
    const [current] = await m.query(
      `SELECT version FROM specialist_profile WHERE user_id = $1 FOR UPDATE`,
      [userId],
    );
    return current?.version;
  }

  /** Sets the cap override when the profile is at `expectedVersion`; false when it is not. */
  async upsertCaseloadCap(
    m: EntityManager,
    userId: string,
    organizationId: string,
    caseloadCap: number | null,
    expectedVersion: number,
  ): Promise<boolean> {
    const rows = await m.query(
      `INSERT INTO specialist_profile (user_id, organization_id, caseload_cap, version) VALUES ($1, $2, $3, 2)
         ON CONFLICT (user_id) DO UPDATE SET caseload_cap = EXCLUDED.caseload_cap,
           version = specialist_profile.version + 1, updated_at = now()
         WHERE specialist_profile.version = $4
         RETURNING version`,
      [userId, organizationId, caseloadCap, expectedVersion],
    );
    return rows.length > 0;
  }

  async insertCeHours(m: EntityManager, e: NewCeHours): Promise<Inserted<CeHoursResponse>> {
    const [row] = await m.query(
      `INSERT INTO specialist_ce_hour (organization_id, user_id, hours, category, completed_on, title, created_by_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING id, hours::float8 AS hours, category, completed_on::text AS "completedOn", title, created_at AS "createdAt"`,
      [e.organizationId, e.userId, e.hours, e.category, e.completedOn, e.title, e.createdById],
    );
    return row;
  }

  async insertSupervisionHours(
    m: EntityManager,
    e: NewSupervisionHours,
  ): Promise<Inserted<SupervisionHoursResponse>> {
    const [row] = await m.query(
      `INSERT INTO specialist_supervision_hour (organization_id, user_id, supervisor_id, hours, occurred_on)
         VALUES ($1, $2, $3, $4, $5)
         RETURNING id, hours::float8 AS hours, occurred_on::text AS "occurredOn", supervisor_id AS "supervisorId",
           created_at AS "createdAt"`,
      [e.organizationId, e.userId, e.supervisorId, e.hours, e.occurredOn],
    );
    return row;
  }

  // ---- certifications

  async insertCertification(m: EntityManager, c: NewCertification): Promise<CertificationResponse> {
    const [row] = await m.query(
      `INSERT INTO specialist_certification (organization_id, user_id, credential, number, issuing_state, issued_on, expires_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${RETURNING}`,
      [c.organizationId, c.userId, c.credential, c.number, c.issuingState, c.issuedOn, c.expiresOn],
    );
    return row;
  }

  /** The specialist's certification, if any. */
  async findCertification(
    m: EntityManager,
    specialistId: string,
    id: string,
  ): Promise<CertificationResponse | undefined> {
    const [row] = await m.query(
      `SELECT ${RETURNING} FROM specialist_certification WHERE id = $1 AND user_id = $2`,
      [id, specialistId],
    );
    return row;
  }

  /** The version-checked update of a certification (412 when stale, 404 when absent). */
  updateCertificationVersioned(
    m: EntityManager,
    where: { id: string; organizationId: string },
    expectedVersion: number,
    patch: QueryDeepPartialEntity<SpecialistCertification>,
  ): Promise<void> {
    return updateVersioned(m, SpecialistCertification, where, expectedVersion, patch);
  }
}
