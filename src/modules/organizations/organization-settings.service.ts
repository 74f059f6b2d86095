import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { UserPrincipal } from '../../auth/principal';
import { ValidationError } from '../../common/errors/domain-error';
import { staleError } from '../../common/http/etag';
import { UnitOfWork } from '../audit/unit-of-work';
import { DEFAULT_UNREACHABLE_ESCALATION_ATTEMPTS } from '../follow-ups/follow-ups.service';
import { DEFAULT_REFERRAL_FOLLOW_UP_DAYS } from '../referrals-out/referral-follow-up';
import { DEFAULT_CASELOAD_CAP } from '../specialists/specialist.queries';
import { renewalRuleOf } from '../specialists/renewal';
import {
  OrganizationSettingsResponse,
  UpdateOrganizationSettingsDto,
} from './dto/organization-settings.dto';
import { OrganizationRepository } from './organization.repository';

type Settings = Record<string, unknown>;

const int = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) ? value : undefined;

/** The settings in force: what is stored, else the defaults the services apply. */
function effective(settings: Settings, version: number): OrganizationSettingsResponse {
  const renewal = renewalRuleOf(settings);
  return {
    caseloadCap: int(settings.caseloadCap) ?? DEFAULT_CASELOAD_CAP,
    credentialGraceDays: int(settings.credentialGraceDays) ?? 0,
    ceRequiredHours: renewal.requiredHours,
    ceRequiredEthicsHours: renewal.requiredEthicsHours,
    ceCycleYears: renewal.cycleYears,
    followUpUnreachableEscalationAttempts:
      int(settings.followUpUnreachableEscalationAttempts) ??
      DEFAULT_UNREACHABLE_ESCALATION_ATTEMPTS,
    referralFollowUpDays: int(settings.referralFollowUpDays) ?? DEFAULT_REFERRAL_FOLLOW_UP_DAYS,
    timeZone: typeof settings.timeZone === 'string' ? settings.timeZone : 'UTC',
    version,
  };
}

/**
 * The organization's settings, kept in `organization.settings` (jsonb) where the caseload cap,
 * the signing grace, the renewal rule and the follow-up escalation already read them. Admin only;
 * updated with If-Match (lost-update-proof) and audited in the same transaction.
 */
@Injectable()
export class OrganizationSettingsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly organizations: OrganizationRepository,
  ) {}

  async get(actor: UserPrincipal): Promise<OrganizationSettingsResponse> {
    const row = await this.organizations.findSettings(actor.organizationId);
    return effective(row.settings, row.version);
  }

  async update(
    actor: UserPrincipal,
    expectedVersion: number,
    dto: UpdateOrganizationSettingsDto,
  ): Promise<OrganizationSettingsResponse> {
    const patch = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      if (dto.timeZone !== undefined) await this.requireKnownTimeZone(m, dto.timeZone);
      const row = await this.organizations.mergeSettings(
        m,
        actor.organizationId,
        expectedVersion,
        patch,
      );
      if (!row) throw staleError();
      const result = effective(row.settings, row.version);
      if (result.ceRequiredEthicsHours > result.ceRequiredHours) {
        throw new ValidationError([
          {
            field: 'ceRequiredEthicsHours',
            message: 'ceRequiredEthicsHours must not exceed ceRequiredHours',
          },
        ]);
      }
      tx.audit({
        action: 'organization.settings.update',
        resourceType: 'Organization',
        resourceId: actor.organizationId,
      });
      return result;
    });
  }

  // "Open now" is computed in SQL (AT TIME ZONE), so the zone must be one Postgres knows.
  private async requireKnownTimeZone(m: EntityManager, timeZone: string): Promise<void> {
    if (!(await this.organizations.isKnownTimeZone(m, timeZone))) {
      throw new ValidationError([
        { field: 'timeZone', message: 'timeZone must be an IANA time zone name' },
      ]);
    }
  }
}
