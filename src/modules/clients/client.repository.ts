import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { clientScope, coverageInForce } from '../../auth/access/scope.sql';
import { requireFilterableSpecialist } from '../../auth/access/specialist-scope';
import { UserPrincipal } from '../../auth/principal';
import { pageNewestFirst } from '../../common/dto/keyset';
import { Pager } from '../../common/dto/pagination';
import { updateVersioned } from '../../common/http/etag';
import { ScopedClient } from '../../auth/access.service';
import { Client } from './client.entity';
import { CLIENT_COLUMNS, ClientRow, uniqueIdentifiers } from './client.queries';

/** A coverage row as the API shows it (`active`: in force now). */
export interface CoverageRow {
  id: string;
  clientId: string;
  specialistId: string;
  createdById: string | null;
  startsAt: Date;
  endsAt: Date;
  revokedAt: Date | null;
  active: boolean;
  createdAt: Date;
  startsAtKey: string;
}

/** A row of a client's primary assignment history. */
export interface AssignmentRow {
  id: string;
  clientId: string;
  specialistId: string | null;
  assignedById: string | null;
  reason: string | null;
  startedAt: Date;
  endedAt: Date | null;
  startedAtKey: string;
}

const coverageColumns = (p: string): string =>
  [
    `${p}id AS id`,
    `${p}client_id AS "clientId"`,
    `${p}specialist_id AS "specialistId"`,
    `${p}created_by_id AS "createdById"`,
    `${p}starts_at AS "startsAt"`,
    `${p}ends_at AS "endsAt"`,
    `${p}revoked_at AS "revokedAt"`,
    `(${coverageInForce(p.replace(/\.$/, ''))}) AS active`,
    `${p}created_at AS "createdAt"`,
    `to_char(${p}starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "startsAtKey"`,
  ].join(', ');

const assignmentColumns = (p: string): string[] => [
  `${p}id AS id`,
  `${p}client_id AS "clientId"`,
  `${p}specialist_id AS "specialistId"`,
  `${p}assigned_by_id AS "assignedById"`,
  `${p}reason AS reason`,
  `${p}started_at AS "startedAt"`,
  `${p}ended_at AS "endedAt"`,
  `to_char(${p}started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "startedAtKey"`,
];

/** A query of clients (alias `c`) selecting what the response needs. Callers add scope. */
const selectClients = (m: EntityManager): SelectQueryBuilder<object> =>
  m.createQueryBuilder().select(CLIENT_COLUMNS).from('client', 'c');

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** The filters of the client list (already validated). */
export interface ClientListFilter {
  q?: string;
  identifier?: string;
  status?: string;
  specialistId?: string;
  noContactDays?: number;
  assigned?: boolean;
  needsReassignment?: boolean;
}

const INSERT_CLIENT = `INSERT INTO client (organization_id, first_name, last_name, preferred_name, date_of_birth, pronouns, email, phone,
         preferred_contact_method, recovery_start_date, status, primary_specialist_id, part2_notice_acknowledged_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`;

/** The columns of a new client (INSERT_CLIENT): the row's own fields and its organization. */
export type NewClient = Pick<
  ClientRow,
  | 'firstName'
  | 'lastName'
  | 'preferredName'
  | 'dateOfBirth'
  | 'pronouns'
  | 'email'
  | 'phone'
  | 'preferredContactMethod'
  | 'recoveryStartDate'
  | 'status'
  | 'primarySpecialistId'
  | 'part2NoticeAcknowledgedOn'
> & { organizationId: string };

const BY_IDENTIFIER = `SELECT client_id AS id FROM client_identifier
  WHERE organization_id = $1 AND (system, value) IN (SELECT * FROM unnest($2::text[], $3::text[]))
    AND ($4::uuid IS NULL OR client_id <> $4)
  LIMIT 1`;

const BY_DEMOGRAPHICS = `SELECT id FROM client
  WHERE organization_id = $1 AND lower(first_name) = lower($2) AND lower(last_name) = lower($3)
    AND date_of_birth = $4 AND deleted_at IS NULL
  ORDER BY created_at LIMIT 1`;

// Open clients of the specialist go to the "needs reassignment" queue; closed ones keep their
// last specialist for the record.
const RELEASE = `UPDATE client SET primary_specialist_id = NULL, needs_reassignment = true,
    version = version + 1, updated_at = now()
  WHERE primary_specialist_id = $1 AND status <> 'closed' AND deleted_at IS NULL
  RETURNING id`;

// The history shows the queue as an open row without a specialist, until a supervisor assigns.
const CLOSE_OPEN = `UPDATE client_assignment SET ended_at = now() WHERE client_id = ANY($1) AND ended_at IS NULL`;
const QUEUE_ROW = `INSERT INTO client_assignment (client_id, specialist_id, assigned_by_id, reason)
  SELECT id, NULL, $2, 'specialist_deactivated' FROM unnest($1::uuid[]) AS id`;

/**
 * Match by identifier within the sender's organization, or create, in ONE statement: a matched
 * client is locked FOR SHARE (like the staff route's scope check), and the insert runs only when
 * nothing matched. A new client has no primary specialist: it waits in the "needs assignment"
 * queue that supervisors work. Two senders racing on a new identifier meet on
 * client_identifier_org_uq; the loser's transaction is retried by the caller and then matches.
 */
const MATCH_OR_CREATE = `WITH input AS (
    SELECT s AS system, v AS value FROM unnest($2::text[], $3::text[]) AS t(s, v)
  ), matched AS (
    SELECT c.id, c.organization_id, c.primary_specialist_id, c.status, c.date_of_birth FROM client c
    WHERE c.organization_id = $1 AND c.deleted_at IS NULL AND c.id IN (
      SELECT ci.client_id FROM client_identifier ci
      JOIN input i ON i.system = ci.system AND i.value = ci.value WHERE ci.organization_id = $1)
    FOR SHARE OF c
  ), created AS (
    INSERT INTO client (organization_id, first_name, last_name, date_of_birth, status)
    SELECT $1, $4, $5, $6, $7 WHERE NOT EXISTS (SELECT 1 FROM matched)
    RETURNING id, organization_id, primary_specialist_id, status, date_of_birth
  ), identifiers AS (
    INSERT INTO client_identifier (client_id, organization_id, system, value)
    SELECT created.id, $1, i.system, i.value FROM created, input i
  )
  SELECT id, organization_id AS "organizationId", primary_specialist_id AS "primarySpecialistId",
    status, to_char(date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", false AS created FROM matched
  UNION ALL
  SELECT id, organization_id, primary_specialist_id, status, to_char(date_of_birth, 'YYYY-MM-DD'), true
  FROM created`;

/** A client an inbound message matched or created. */
export interface InboundMatchRow extends ScopedClient {
  dateOfBirth: string;
  created: boolean;
}

/** The SQL of the clients module: clients, their identifiers, assignments and coverage. */
@Injectable()
export class ClientRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  // ---- clients

  /** The client as the API shows it (inside a write: its transaction's manager). */
  async findRow(m: EntityManager | undefined, id: string): Promise<ClientRow> {
    const row = await selectClients(m ?? this.dataSource.manager)
      .where('c.id = :id', { id })
      .getRawOne<ClientRow>();
    if (!row) throw new Error(`client ${id} vanished inside its transaction`);
    return row;
  }

  /** One page of the clients in the caller's scope matching the filter, newest first. */
  async listInScope(
    actor: UserPrincipal,
    filter: ClientListFilter,
    pager: Pager,
  ): Promise<ClientRow[]> {
    const { sql, params } = clientScope(actor, 'c');
    const qb = selectClients(this.dataSource.manager).andWhere(`(${sql})`, params);
    if (filter.q) {
      qb.andWhere(
        `lower(c.first_name || ' ' || c.last_name || ' ' || coalesce(c.preferred_name, '')) LIKE :q`,
        {
          q: `%${escapeLike(filter.q.toLowerCase())}%`,
        },
      );
    }
    if (filter.identifier) {
      const bar = filter.identifier.indexOf('|');
      qb.andWhere(
        `c.id IN (SELECT ci.client_id FROM client_identifier ci
          WHERE ci.organization_id = :scopeOrgId AND ci.system = :idSystem AND ci.value = :idValue)`,
        { idSystem: filter.identifier.slice(0, bar), idValue: filter.identifier.slice(bar + 1) },
      );
    }
    if (filter.status) qb.andWhere('c.status = :status', { status: filter.status });
    if (filter.specialistId)
      qb.andWhere('c.primary_specialist_id = :specialistId', { specialistId: filter.specialistId });
    if (filter.noContactDays !== undefined) {
      qb.andWhere(
        `(c.last_contact_at IS NULL OR c.last_contact_at < now() - make_interval(days => :days))`,
        {
          days: filter.noContactDays,
        },
      );
    }
    if (filter.assigned !== undefined) {
      qb.andWhere(
        filter.assigned ? 'c.primary_specialist_id IS NOT NULL' : 'c.primary_specialist_id IS NULL',
      );
    }
    if (filter.needsReassignment !== undefined) {
      qb.andWhere('c.needs_reassignment = :needsReassignment', {
        needsReassignment: filter.needsReassignment,
      });
    }
    return pageNewestFirst(qb, 'c', pager).getRawMany<ClientRow>();
  }

  /** 404 unless the caller may filter a list on this specialist (see requireFilterableSpecialist). */
  requireFilterableSpecialist(actor: UserPrincipal, specialistId: string): Promise<void> {
    return requireFilterableSpecialist(this.dataSource.manager, actor, specialistId);
  }

  /** Whether the client is in the caller's scope (a duplicate probe's answer). */
  async isInScope(actor: UserPrincipal, clientId: string): Promise<boolean> {
    const { sql, params } = clientScope(actor, 'c');
    const qb = this.dataSource
      .createQueryBuilder()
      .select('c.id', 'id')
      .from('client', 'c')
      .where('c.id = :probeClientId', { probeClientId: clientId })
      .andWhere(`(${sql})`, params);
    return Boolean(await qb.getRawOne());
  }

  /** Inserts a client; with a primary specialist, its first assignment too. Returns its id. */
  async insert(m: EntityManager, c: NewClient, assignedById: string): Promise<string> {
    const [{ id }] = await m.query(INSERT_CLIENT, [
      c.organizationId,
      c.firstName,
      c.lastName,
      c.preferredName,
      c.dateOfBirth,
      c.pronouns,
      c.email,
      c.phone,
      c.preferredContactMethod,
      c.recoveryStartDate,
      c.status,
      c.primarySpecialistId,
      c.part2NoticeAcknowledgedOn,
    ]);
    if (c.primarySpecialistId) {
      await m.query(
        `INSERT INTO client_assignment (client_id, specialist_id, assigned_by_id) VALUES ($1, $2, $3)`,
        [id, c.primarySpecialistId, assignedById],
      );
    }
    return id;
  }

  /** The version-checked update of a client's fields (412 when stale, 404 when absent). */
  updateVersioned(
    m: EntityManager,
    where: { id: string; organizationId: string },
    expectedVersion: number,
    fields: QueryDeepPartialEntity<Client>,
  ): Promise<void> {
    return updateVersioned(m, Client, where, expectedVersion, fields);
  }

  /** Replaces the client's identifiers with these (deduplicated). */
  async replaceIdentifiers(
    m: EntityManager,
    organizationId: string,
    clientId: string,
    identifiers: { system: string; value: string }[],
  ): Promise<void> {
    await m.query(`DELETE FROM client_identifier WHERE client_id = $1`, [clientId]);
    const unique = uniqueIdentifiers(identifiers);
    if (unique.length === 0) return;
    await m.query(
      `INSERT INTO client_identifier (client_id, organization_id, system, value)
     SELECT $1, $2, s, v FROM unnest($3::text[], $4::text[]) AS t(s, v)`,
      [clientId, organizationId, unique.map((i) => i.system), unique.map((i) => i.value)],
    );
  }

  // ---- duplicates

  /** Serializes the writers of one dedupe key until the transaction ends. */
  async lockDedupeKey(m: EntityManager, key: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [key]);
  }

  /** The existing client holding one of these identifiers, if any (none given: none). */
  async findIdByIdentifiers(
    m: EntityManager | undefined,
    organizationId: string,
    identifiers: { system: string; value: string }[],
    excludeClientId: string | null,
  ): Promise<string | undefined> {
    if (identifiers.length === 0) return undefined;
    const rows = await (m ?? this.dataSource.manager).query(BY_IDENTIFIER, [
      organizationId,
      identifiers.map((i) => i.system),
      identifiers.map((i) => i.value),
      excludeClientId,
    ]);
    return rows[0]?.id;
  }

  /** The oldest live client of the organization with this name and date of birth, if any. */
  async findIdByDemographics(
    m: EntityManager,
    c: { organizationId: string; firstName: string; lastName: string; dateOfBirth: string },
  ): Promise<string | undefined> {
    const [byName] = await m.query(BY_DEMOGRAPHICS, [
      c.organizationId,
      c.firstName,
      c.lastName,
      c.dateOfBirth,
    ]);
    return byName?.id;
  }

  /** Inbound: the client these identifiers name in the organization, created when none does. */
  matchOrCreateInbound(
    m: EntityManager,
    organizationId: string,
    identifiers: { system: string; value: string }[],
    person: { firstName: string; lastName: string; dateOfBirth: string },
    status: string,
  ): Promise<InboundMatchRow[]> {
    return m.query(MATCH_OR_CREATE, [
      organizationId,
      identifiers.map((i) => i.system),
      identifiers.map((i) => i.value),
      person.firstName,
      person.lastName,
      person.dateOfBirth,
      status,
    ]);
  }

  // ---- assignments

  /** Holds the client row until commit (assignment changes serialize on it). */
  async lockForUpdate(m: EntityManager, clientId: string): Promise<void> {
    await m.query(`SELECT 1 FROM client WHERE id = $1 FOR UPDATE`, [clientId]);
  }

  /** Ends the open assignment row and opens a new one; returns the new row. */
  async replaceAssignment(
    m: EntityManager,
    clientId: string,
    specialistId: string,
    assignedById: string,
    reason: string | null,
  ): Promise<AssignmentRow> {
    await m.query(
      `UPDATE client_assignment SET ended_at = now() WHERE client_id = $1 AND ended_at IS NULL`,
      [clientId],
    );
    const [row] = await m.query(
      `INSERT INTO client_assignment (client_id, specialist_id, assigned_by_id, reason) VALUES ($1, $2, $3, $4)
         RETURNING ${assignmentColumns('').join(', ')}`,
      [clientId, specialistId, assignedById, reason],
    );
    return row;
  }

  /** Sets the client's primary specialist (out of the reassignment queue). */
  async setPrimarySpecialist(
    m: EntityManager,
    clientId: string,
    specialistId: string,
  ): Promise<void> {
    await m.query(
      `UPDATE client SET primary_specialist_id = $2, needs_reassignment = false, version = version + 1, updated_at = now()
       WHERE id = $1`,
      [clientId, specialistId],
    );
  }

  /** One page of the client's assignment history, newest first. */
  pageAssignments(clientId: string, pager: Pager): Promise<AssignmentRow[]> {
    const qb = this.dataSource.manager
      .createQueryBuilder()
      .select(assignmentColumns('a.'))
      .from('client_assignment', 'a')
      .where('a.client_id = :clientId', { clientId });
    return pageNewestFirst(qb, 'a', pager, 'started_at').getRawMany<AssignmentRow>();
  }

  /**
   * Releases the specialist's caseload: their open clients go to the "needs reassignment"
   * queue (with an open assignment row without a specialist), their open follow-ups to the
   * queue, and their coverage ends. Returns the released clients' ids.
   */
  async releaseCaseload(
    m: EntityManager,
    specialistId: string,
    releasedById: string,
  ): Promise<string[]> {
    const [released]: [{ id: string }[], number] = await m.query(RELEASE, [specialistId]);
    const ids = released.map((r) => r.id);
    if (ids.length > 0) {
      await m.query(CLOSE_OPEN, [ids]);
      await m.query(QUEUE_ROW, [ids, releasedById]);
    }
    await m.query(
      `UPDATE follow_up SET owner_id = NULL, version = version + 1, updated_at = now()
     WHERE owner_id = $1 AND status IN ('requested', 'ready', 'in-progress', 'on-hold')`,
      [specialistId],
    );
    await m.query(
      `UPDATE client_coverage SET revoked_at = now() WHERE specialist_id = $1 AND revoked_at IS NULL AND ends_at > now()`,
      [specialistId],
    );
    return ids;
  }

  // ---- coverage

  async insertCoverage(
    m: EntityManager,
    c: {
      clientId: string;
      specialistId: string;
      createdById: string;
      startsAt: Date;
      endsAt: Date;
    },
  ): Promise<CoverageRow> {
    const [row] = await m.query(
      `INSERT INTO client_coverage (client_id, specialist_id, created_by_id, starts_at, ends_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${coverageColumns('')}`,
      [c.clientId, c.specialistId, c.createdById, c.startsAt, c.endsAt],
    );
    return row;
  }

  /** One page of the client's coverage, newest start first. */
  pageCoverage(clientId: string, pager: Pager): Promise<CoverageRow[]> {
    const qb = this.dataSource.manager
      .createQueryBuilder()
      .select(coverageColumns('v.'))
      .from('client_coverage', 'v')
      .where('v.client_id = :clientId', { clientId });
    return pageNewestFirst(qb, 'v', pager, 'starts_at').getRawMany<CoverageRow>();
  }

  /** Ends the coverage now if still in force; returns it then, else undefined. */
  async revokeCoverage(
    m: EntityManager,
    clientId: string,
    coverageId: string,
  ): Promise<CoverageRow | undefined> {
    const [rows] = (await m.query(
      `UPDATE client_coverage SET revoked_at = now()
          WHERE id = $1 AND client_id = $2 AND revoked_at IS NULL AND ends_at > now()
          RETURNING ${coverageColumns('')}`,
      [coverageId, clientId],
    )) as [CoverageRow[], number];
    return rows[0];
  }

  async coverageExists(m: EntityManager, clientId: string, coverageId: string): Promise<boolean> {
    const [found] = await m.query(
      `SELECT 1 FROM client_coverage WHERE id = $1 AND client_id = $2`,
      [coverageId, clientId],
    );
    return Boolean(found);
  }
}
