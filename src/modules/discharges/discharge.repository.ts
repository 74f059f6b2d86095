import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { FollowUp } from '../follow-ups/follow-up.entity';
import { CadenceStep, LevelOfCare, PlannedFollowUp } from './cadence';
import { INSERT_FOLLOW_UPS } from './discharge.queries';

export interface DischargeRow {
  id: string;
  organization_id: string;
  client_id: string;
  facility: string;
  level_of_care: LevelOfCare;
  admitted_at: Date;
  discharged_at: Date;
  disposition: string | null;
  planned: boolean;
  source: string;
  created_at: Date;
}

export interface CadenceRow {
  steps: CadenceStep[];
  version: number;
}

/** A discharge as the bridge writes it. */
export interface NewDischarge {
  organizationId: string;
  clientId: string;
  facility: string;
  levelOfCare: LevelOfCare;
  admittedAt: Date;
  dischargedAt: Date;
  disposition: string | null;
  planned: boolean;
  createdById: string;
  source: string;
}

/** A readmission as recorded by staff. */
export interface NewReadmission {
  organizationId: string;
  clientId: string;
  facility: string;
  levelOfCare: LevelOfCare;
  admittedAt: Date;
  createdById: string;
}

/** Every statement of discharges, readmissions, their follow-up tasks and the cadences. */
@Injectable()
export class DischargeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The primary's manager, for the reads a request makes outside a write. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  // The unique key (client, facility, discharge instant) makes "once" hold under concurrent posts:
  // a second insert waits for the first transaction and then does nothing.
  /** The discharge written, or undefined when the same one was already recorded. */
  async insertDischarge(m: EntityManager, d: NewDischarge): Promise<DischargeRow | undefined> {
    const [row]: DischargeRow[] = await m.query(
      `INSERT INTO discharge (organization_id, client_id, facility, level_of_care, admitted_at, discharged_at,
         disposition, planned, created_by_id, source)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT ON CONSTRAINT discharge_once_uq DO NOTHING RETURNING *`,
      [
        d.organizationId,
        d.clientId,
        d.facility,
        d.levelOfCare,
        d.admittedAt,
        d.dischargedAt,
        d.disposition,
        d.planned,
        d.createdById,
        d.source,
      ],
    );
    return row;
  }

  async findDischarge(
    m: EntityManager,
    clientId: string,
    facility: string,
    dischargedAt: Date,
  ): Promise<DischargeRow> {
    const [row]: DischargeRow[] = await m.query(
      `SELECT * FROM discharge WHERE client_id = $1 AND facility = $2 AND discharged_at = $3`,
      [clientId, facility, dischargedAt],
    );
    return row;
  }

  /** The readmission's id, or undefined when the same one was already recorded. */
  async insertReadmission(
    m: EntityManager,
    r: NewReadmission,
  ): Promise<{ id: string } | undefined> {
    const [inserted]: { id: string }[] = await m.query(
      `INSERT INTO readmission (organization_id, client_id, facility, level_of_care, admitted_at, created_by_id)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT ON CONSTRAINT readmission_once_uq DO NOTHING RETURNING id`,
      [r.organizationId, r.clientId, r.facility, r.levelOfCare, r.admittedAt, r.createdById],
    );
    return inserted;
  }

  async findReadmission(
    m: EntityManager,
    clientId: string,
    facility: string,
    admittedAt: Date,
  ): Promise<{ id: string }> {
    const [row] = await m.query(
      `SELECT id FROM readmission WHERE client_id = $1 AND facility = $2 AND admitted_at = $3`,
      [clientId, facility, admittedAt],
    );
    return row;
  }

  /**
   * The discharge's planned follow-ups in one INSERT ... RETURNING the whole rows (as entity
   * properties, unsorted): no query builder, no second read of what it wrote.
   */
  insertFollowUps(
    m: EntityManager,
    d: { organizationId: string; clientId: string; dischargeId: string; ownerId: string | null },
    planned: PlannedFollowUp[],
  ): Promise<FollowUp[]> {
    return m.query(INSERT_FOLLOW_UPS, [
      d.organizationId,
      d.clientId,
      d.dischargeId,
      planned.map((p) => p.kind),
      planned.map((p) => p.label),
      planned.map((p) => p.dueAt),
      planned.map((p) => p.windowStart),
      planned.map((p) => p.windowEnd),
      d.ownerId,
    ]);
  }

  /** A discharge's follow-ups by due time, then label. */
  followUpsOf(m: EntityManager, dischargeId: string): Promise<FollowUp[]> {
    return m.find(FollowUp, { where: { dischargeId }, order: { dueAt: 'ASC', label: 'ASC' } });
  }

  /** The organization's cadence for the level of care, or undefined (the default applies). */
  async findCadence(
    m: EntityManager,
    organizationId: string,
    level: LevelOfCare,
  ): Promise<CadenceRow | undefined> {
    const [row]: CadenceRow[] = await m.query(
      `SELECT steps, version FROM follow_up_cadence WHERE organization_id = $1 AND level_of_care = $2`,
      [organizationId, level],
    );
    return row;
  }

  /** Sets the organization's cadence for the level of care (a new version). */
  async upsertCadence(
    m: EntityManager,
    organizationId: string,
    level: LevelOfCare,
    steps: CadenceStep[],
    actorId: string,
  ): Promise<CadenceRow> {
    const [row]: CadenceRow[] = await m.query(
      `INSERT INTO follow_up_cadence (organization_id, level_of_care, steps, updated_by_id)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT ON CONSTRAINT follow_up_cadence_pk DO UPDATE SET steps = EXCLUDED.steps,
           updated_by_id = EXCLUDED.updated_by_id, version = follow_up_cadence.version + 1, updated_at = now()
         RETURNING steps, version`,
      [organizationId, level, JSON.stringify(steps), actorId],
    );
    return row;
  }
}
