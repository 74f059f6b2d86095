import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { UserPrincipal } from '../../auth/principal';
import { FieldError, ValidationError } from '../../common/errors/domain-error';
import { UnitOfWork } from '../audit/unit-of-work';
import { CadenceStep, defaultCadence, LevelOfCare } from './cadence';
import { CadenceRow, DischargeRepository } from './discharge.repository';
import { CadenceResponse, UpdateCadenceDto } from './dto/cadence.dto';

/** Per-organization, per-level-of-care follow-up cadences; the SPEC 7 default when none is set. */
@Injectable()
export class CadencesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly discharges: DischargeRepository,
  ) {}

  async stepsFor(
    manager: EntityManager,
    organizationId: string,
    level: LevelOfCare,
  ): Promise<CadenceStep[]> {
    const row = await this.discharges.findCadence(manager, organizationId, level);
    return row?.steps ?? defaultCadence(level);
  }

  async get(actor: UserPrincipal, level: LevelOfCare): Promise<CadenceResponse> {
    const row = await this.discharges.findCadence(
      this.discharges.manager,
      actor.organizationId,
      level,
    );
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
      const row = await this.discharges.upsertCadence(
        tx.manager,
        actor.organizationId,
        level,
        steps,
        actor.id,
      );
      tx.audit({
        action: 'follow-up-cadence.update',
        resourceType: 'FollowUpCadence',
        resourceId: level,
      });
      return toResponse(level, row);
    });
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
