import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { requireSpecialist } from '../../auth/access/specialist-scope';
import { UserPrincipal } from '../../auth/principal';
import { NotFoundError, ValidationError } from '../../common/errors/domain-error';
import { updateVersioned } from '../../common/http/etag';
import { UnitOfWork } from '../audit/unit-of-work';
import {
  CertificationResponse,
  CreateCertificationDto,
  UpdateCertificationDto,
} from './dto/certification.dto';
import { SpecialistCertification } from './specialist-certification.entity';

const RETURNING = `id, credential, number, issuing_state AS "issuingState", issued_on::text AS "issuedOn",
  expires_on::text AS "expiresOn", version`;

const datesInvalid = (): ValidationError =>
  new ValidationError([{ field: 'expiresOn', message: 'expiresOn must be after issuedOn' }]);

/** Credentials: the specialist keeps their own; their supervisors and admins may too. */
@Injectable()
export class CertificationsService {
  constructor(private readonly uow: UnitOfWork) {}

  async create(
    actor: UserPrincipal,
    specialistId: string,
    dto: CreateCertificationDto,
  ): Promise<CertificationResponse> {
    if (dto.expiresOn <= dto.issuedOn) throw datesInvalid();
    return this.uow.run(actor, async (tx) => {
      const m = tx.manager;
      await requireSpecialist(m, actor, specialistId, 'oversight');
      const [row] = await m.query(
        `INSERT INTO specialist_certification (organization_id, user_id, credential, number, issuing_state, issued_on, expires_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${RETURNING}`,
        [
          actor.organizationId,
          specialistId,
          dto.credential,
          dto.number,
          dto.issuingState,
          dto.issuedOn,
          dto.expiresOn,
        ],
      );
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
      await requireSpecialist(m, actor, ids.specialistId, 'oversight');
      const current = await this.find(m, ids.specialistId, ids.certificationId);
      if ((dto.expiresOn ?? current.expiresOn) <= (dto.issuedOn ?? current.issuedOn))
        throw datesInvalid();
      const where = { id: ids.certificationId, organizationId: actor.organizationId };
      await updateVersioned(m, SpecialistCertification, where, expectedVersion, { ...dto });
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
    const [row] = await m.query(
      `SELECT ${RETURNING} FROM specialist_certification WHERE id = $1 AND user_id = $2`,
      [id, specialistId],
    );
    if (!row) throw new NotFoundError('Certification');
    return row;
  }
}
