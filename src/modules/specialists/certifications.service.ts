import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { UserPrincipal } from '../../auth/principal';
import { NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { UnitOfWork } from '../audit/unit-of-work';
import {
  CertificationResponse,
  CreateCertificationDto,
  UpdateCertificationDto,
} from './dto/certification.dto';
import { SpecialistRepository } from './specialist.repository';

const datesInvalid = (): ValidationError =>
  new ValidationError([{ field: 'expiresOn', message: 'expiresOn must be after issuedOn' }]);

/** Credentials: the specialist keeps their own; their supervisors and admins may too. */
@Injectable()
export class CertificationsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly specialists: SpecialistRepository,
  ) {}

  async create(
    actor: UserPrincipal,
    specialistId: string,
    dto: CreateCertificationDto,
  ): Promise<CertificationResponse> {
    if (dto.expiresOn <= dto.issuedOn) throw datesInvalid();
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.specialists.requireInScope(m, actor, specialistId, 'oversight');
      const row = await this.specialists.insertCertification(m, {
        organizationId: actor.organizationId,
        userId: specialistId,
        credential: dto.credential,
        number: dto.number,
        issuingState: dto.issuingState,
        issuedOn: dto.issuedOn,
        expiresOn: dto.expiresOn,
      });
      tx.audit({
        action: 'specialist.certification.create',
        resourceType: 'SpecialistCertification',
        resourceId: row.id,
      });
      return row;
    });
  }

  async update(
    actor: UserPrincipal,
    ids: { specialistId: string; certificationId: string },
    expectedVersion: number,
    dto: UpdateCertificationDto,
  ): Promise<CertificationResponse> {
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await this.specialists.requireInScope(m, actor, ids.specialistId, 'oversight');
      const current = await this.find(m, ids.specialistId, ids.certificationId);
      if ((dto.expiresOn ?? current.expiresOn) <= (dto.issuedOn ?? current.issuedOn))
        throw datesInvalid();
      const where = { id: ids.certificationId, organizationId: actor.organizationId };
      await this.specialists.updateCertificationVersioned(m, where, expectedVersion, { ...dto });
      const row = await this.find(m, ids.specialistId, ids.certificationId);
      tx.audit({
        action: 'specialist.certification.update',
        resourceType: 'SpecialistCertification',
        resourceId: ids.certificationId,
      });
      return row;
    });
  }

  private async find(
    m: EntityManager,
    specialistId: string,
    id: string,
  ): Promise<CertificationResponse> {
    const row = await this.specialists.findCertification(m, specialistId, id);
    if (!row) throw new NotFoundError('Certification');
    return row;
  }
}
