import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { AccessService, ScopedClient } from '../../auth/access.service';
import { correlationOf, Principal, UserPrincipal } from '../../auth/principal';
import { DomainError, ValidationError } from '../../common/errors/domain-error';
import { UnitOfWork, WriteTx } from '../audit/unit-of-work';
import { WebhookEventsService } from '../webhooks/webhook-events.service';
import { FollowUpSchedulingService } from '../follow-ups/follow-up-scheduling.service';
import { FollowUp } from '../follow-ups/follow-up.entity';
import { FollowUpsService } from '../follow-ups/follow-ups.service';
import { toFollowUpResponse } from '../follow-ups/follow-up.mapper';
import { planFollowUps } from './cadence';
import { CadencesService } from './cadences.service';
import { DischargeRepository, DischargeRow } from './discharge.repository';
import {
  CreateDischargeDto,
  CreateReadmissionDto,
  DischargeResponse,
  ReadmissionResponse,
  Recorded,
} from './dto/discharge.dto';

/** What the bridge records: the discharge's fields, its instants parsed, and who sent it. */
export interface BridgeInput {
  dto: CreateDischargeDto;
  admittedAt: Date;
  dischargedAt: Date;
  source: 'staff' | 'integration';
}

// A discharge reported a little ahead of the clock (a facility's clock skew) is accepted.
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * The discharge bridge: one transaction records the discharge, its cadence's follow-up tasks,
 * their job bookkeeping and the outbox rows, so no discharge ever exists without its schedule.
 */
@Injectable()
export class DischargesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly access: AccessService,
    private readonly cadences: CadencesService,
    private readonly followUps: FollowUpsService,
    private readonly scheduling: FollowUpSchedulingService,
    private readonly webhookEvents: WebhookEventsService,
    private readonly discharges: DischargeRepository,
  ) {}

  async record(
    actor: UserPrincipal,
    clientId: string,
    dto: CreateDischargeDto,
  ): Promise<Recorded<DischargeResponse>> {
    const admittedAt = new Date(dto.admittedAt);
    const dischargedAt = new Date(dto.dischargedAt);
    assertPeriod(admittedAt, dischargedAt);
    return this.uow.run(actor, async (tx) => {
      const client = await this.access.requireClient(actor, clientId, tx.manager, true);
      return this.bridge(tx, actor, client, { dto, admittedAt, dischargedAt, source: 'staff' });
    });
  }

  /**
   * The bridge itself, in the caller's transaction, for a client the caller already holds (locked
   * `FOR SHARE`): the staff route finds it by scope, the inbound integrations by identifier. A
   * duplicate (same client, facility and discharge instant) answers the first discharge.
   */
  async bridge(
    tx: WriteTx,
    actor: Principal,
    client: ScopedClient,
    input: BridgeInput,
  ): Promise<Recorded<DischargeResponse>> {
    if (client.status === 'closed') {
      throw new DomainError(
        'BUSINESS_RULE_VIOLATION',
        'A closed client cannot have a discharge recorded; reopen the client first.',
      );
    }
    const m = tx.manager;
    const inserted = await this.insert(m, actor, client, input);
    const discharge =
      inserted ??
      (await this.discharges.findDischarge(m, client.id, input.dto.facility, input.dischargedAt));
    const tasks = inserted
      ? await this.createFollowUps(tx, client, discharge)
      : await this.discharges.followUpsOf(m, discharge.id);
    if (inserted) await this.emitDischarged(m, discharge, correlationOf(actor));
    tx.audit({
      action: inserted ? 'discharge.create' : 'discharge.read',
      clientId: client.id,
      resourceType: 'Discharge',
      resourceId: discharge.id,
    });
    return { created: !!inserted, body: toResponse(discharge, tasks) };
  }

  /** An explicit readmission: the client's remaining follow-ups wait (on-hold) until the next discharge. */
  async readmit(
    actor: UserPrincipal,
    clientId: string,
    dto: CreateReadmissionDto,
  ): Promise<Recorded<ReadmissionResponse>> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      const client = await this.access.requireClient(actor, clientId, m, true);
      const inserted = await this.discharges.insertReadmission(m, {
        organizationId: client.organizationId,
        clientId,
        facility: dto.facility,
        levelOfCare: dto.levelOfCare,
        admittedAt: new Date(dto.admittedAt),
        createdById: actor.id,
      });
      const id =
        inserted?.id ??
        (await this.discharges.findReadmission(m, clientId, dto.facility, new Date(dto.admittedAt)))
          .id;
      const paused = inserted ? await this.followUps.holdOpenForClient(m, clientId) : [];
      tx.audit({
        action: inserted ? 'readmission.create' : 'readmission.read',
        clientId,
        resourceType: 'Readmission',
        resourceId: id,
      });
      const body = {
        id,
        clientId,
        facility: dto.facility,
        levelOfCare: dto.levelOfCare,
        admittedAt: new Date(dto.admittedAt).toISOString(),
        pausedFollowUpIds: paused,
      };
      return { created: !!inserted, body };
    });
  }

  private insert(
    m: EntityManager,
    actor: Principal,
    client: ScopedClient,
    { dto, admittedAt, dischargedAt, source }: BridgeInput,
  ): Promise<DischargeRow | undefined> {
    return this.discharges.insertDischarge(m, {
      organizationId: client.organizationId,
      clientId: client.id,
      facility: dto.facility,
      levelOfCare: dto.levelOfCare,
      admittedAt,
      dischargedAt,
      disposition: dto.disposition ?? null,
      planned: dto.planned,
      createdById: actor.id,
      source,
    });
  }

  private async createFollowUps(
    tx: WriteTx,
    client: ScopedClient,
    d: DischargeRow,
  ): Promise<FollowUp[]> {
    const m = tx.manager;
    await this.followUps.supersedeEarlierDischarges(m, client.id, d.admitted_at);
    const steps = await this.cadences.stepsFor(m, client.organizationId, d.level_of_care);
    const planned = planFollowUps(d.level_of_care, d.discharged_at, steps);
    const rows = await this.discharges.insertFollowUps(
      m,
      {
        organizationId: client.organizationId,
        clientId: client.id,
        dischargeId: d.id,
        ownerId: client.primarySpecialistId,
      },
      planned,
    );
    const tasks = rows.map((row) => Object.assign(new FollowUp(), row)).sort(byDueThenLabel);
    tx.enqueue(await this.scheduling.planJobs(m, tasks));
    return tasks;
  }

  private emitDischarged(m: EntityManager, d: DischargeRow, correlationId: string | null) {
    return this.webhookEvents.emit(m, {
      organizationId: d.organization_id,
      type: 'client.discharged',
      clientId: d.client_id,
      resource: { type: 'Discharge', id: d.id },
      data: {
        dischargeId: d.id,
        levelOfCare: d.level_of_care,
        dischargedAt: d.discharged_at.toISOString(),
        planned: d.planned,
        source: d.source,
      },
      correlationId,
    });
  }
}

/** The order of `DischargeRepository.followUpsOf`: due time, then label. */
const byDueThenLabel = (a: FollowUp, b: FollowUp): number =>
  a.dueAt.getTime() - b.dueAt.getTime() || a.label.localeCompare(b.label);

function toResponse(d: DischargeRow, tasks: FollowUp[]): DischargeResponse {
  return {
    id: d.id,
    clientId: d.client_id,
    facility: d.facility,
    levelOfCare: d.level_of_care,
    admittedAt: d.admitted_at.toISOString(),
    dischargedAt: d.discharged_at.toISOString(),
    disposition: d.disposition,
    planned: d.planned,
    source: d.source,
    createdAt: d.created_at.toISOString(),
    followUps: tasks.map((f) => toFollowUpResponse(f)),
  };
}

export function assertPeriod(admittedAt: Date, dischargedAt: Date): void {
  if (dischargedAt.getTime() < admittedAt.getTime()) {
    throw new ValidationError([
      { field: 'dischargedAt', message: 'dischargedAt must not be before admittedAt' },
    ]);
  }
  if (dischargedAt.getTime() > Date.now() + FUTURE_TOLERANCE_MS) {
    throw new ValidationError([
      { field: 'dischargedAt', message: 'dischargedAt must not be in the future' },
    ]);
  }
}
