import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { UserPrincipal } from '../../auth/principal';
import { FieldError, ValidationError } from '../../common/errors/domain-error';
import { UnitOfWork } from '../audit/unit-of-work';
import { CadenceStep, defaultCadence, LevelOfCare } from './cadence';
import { CadenceResponse, UpdateCadenceDto } from './dto/cadence.dto';

interface CadenceRow {
  steps: CadenceStep[];
  version: number;
}

/** Per-organization, per-level-of-care follow-up cadences; the SPEC 7 default when none is set. */
@Injectable()
export class CadencesService {
  constructor(
    private readonly uow: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async stepsFor(
    manager: EntityManager,
    organizationId: string,
    level: LevelOfCare,
  ): Promise<CadenceStep[]> {
    const row = await this.find(manager, organizationId, level);
    return row?.steps ?? defaultCadence(level);
  }

  async get(actor: UserPrincipal, level: LevelOfCare): Promise<CadenceResponse> {
    const row = await this.find(this.dataSource.manager, actor.organizationId, level);
    return toResponse(level, row);
  }

  async put(
    actor: UserPrincipal,
    level: LevelOfCare,
    dto: UpdateCadenceDto,
  ): Promise<CadenceResponse> {
    assertConsistent(dto.steps);
    const steps: CadenceStep[] = dto.steps.map((s) => ({
      label: s.label,
      kind: s.kind,
      dueHours: s.dueHours,
      windowStartHours: s.windowStartHours,
      windowEndHours: s.windowEndHours,
    }));
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const [row]: CadenceRow[] = await m.query(
        `INSERT INTO follow_up_cadence (organization_id, level_of_care, steps, updated_by_id)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT ON CONSTRAINT follow_up_cadence_pk DO UPDATE SET steps = EXCLUDED.steps,
           updated_by_id = EXCLUDED.updated_by_id, version = follow_up_cadence.version + 1, updated_at = now()
         RETURNING steps, version`,
        [actor.organizationId, level, JSON.stringify(steps), actor.id],
      );
      tx.audit({
        action: 'follow-up-cadence.update',
        resourceType: 'FollowUpCadence',
        resourceId: level,
      });
      return toResponse(level, row);
    });
  }

  private async find(
    manager: EntityManager,
    organizationId: string,
    level: LevelOfCare,
  ): Promise<CadenceRow | undefined> {
    const [row]: CadenceRow[] = await manager.query(
      `SELECT steps, version FROM follow_up_cadence WHERE organization_id = $1 AND level_of_care = $2`,
      [organizationId, level],
    );
    return row;
  }
}

function toResponse(level: LevelOfCare, row: CadenceRow | undefined): CadenceResponse {
  return {
    levelOfCare: level,
    customized: !!row,
    steps: row?.steps ?? defaultCadence(level),
    version: row?.version ?? 0,
  };
}

/** Each due time inside its window; labels unique (they make a discharge's tasks "once"). */
function assertConsistent(steps: UpdateCadenceDto['steps']): void {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  steps.forEach((s, i) => {
    if (seen.has(s.label))
      errors.push({
        field: `steps.${i}.label`,
        message: 'label must be unique within the cadence',
      });
    seen.add(s.label);
    if (!(s.windowStartHours <= s.dueHours && s.dueHours <= s.windowEndHours)) {
      errors.push({
        field: `steps.${i}.dueHours`,
        message: 'dueHours must lie within [windowStartHours, windowEndHours]',
      });
    }
  });
  if (errors.length > 0) throw new ValidationError(errors);
}
