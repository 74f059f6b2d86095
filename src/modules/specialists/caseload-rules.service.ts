import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { UserPrincipal } from '../../auth/principal';
import { SpecialistRepository } from './specialist.repository';
import { CaseloadCapExceededError, SpecialistNotAssignableError } from './specialists.errors';

/** Who may carry a caseload, and how many clients they may carry. */
@Injectable()
export class CaseloadRulesService {
  constructor(private readonly specialists: SpecialistRepository) {}

  /** A supervisor assigns only active peer specialists on the teams they supervise. */
  async requireAssignable(
    m: EntityManager,
    supervisor: UserPrincipal,
    specialistId: string,
  ): Promise<void> {
    const assignable = await this.specialists.isAssignable(
      m,
      specialistId,
      supervisor.organizationId,
      supervisor.id,
    );
    if (!assignable) throw new SpecialistNotAssignableError();
  }

  /**
   * Throws when one more client would pass the specialist's cap. Locks the specialist's row
   * first, so two concurrent assignments cannot both take the last place.
   */
  async assertUnderCap(
    m: EntityManager,
    specialistId: string,
    excludeClientId: string | null = null,
  ): Promise<void> {
    await this.specialists.lockForCaseload(m, specialistId);
    const row = await this.specialists.capAndActive(m, specialistId, excludeClientId);
    if (row && row.active >= row.cap) throw new CaseloadCapExceededError();
  }
}
