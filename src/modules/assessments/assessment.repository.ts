import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

import { pageNewestFirst } from '../../common/dto/keyset';
import { Pager } from '../../common/dto/pagination';
import { Assessment } from './assessment.entity';

/** A new assessment (scored by the caller). */
export type NewAssessment = Pick<
  Assessment,
  | 'organizationId'
  | 'clientId'
  | 'instrument'
  | 'answers'
  | 'total'
  | 'administeredAt'
  | 'administeredById'
>;

/** The SQL of assessments (BARC-10). */
@Injectable()
export class AssessmentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the assessment; returns its id. */
  async insert(m: EntityManager, a: NewAssessment): Promise<string> {
    const saved = await m.save(m.create(Assessment, a));
    return saved.id;
  }

  /** The assessment as stored (inside its write's transaction). */
  findByIdOrFail(m: EntityManager, id: string): Promise<Assessment> {
    return m.findOneByOrFail(Assessment, { id });
  }

  /** One page of the client's assessments, newest administered first. */
  pageForClient(organizationId: string, clientId: string, pager: Pager): Promise<Assessment[]> {
    const qb = this.dataSource
      .getRepository(Assessment)
      .createQueryBuilder('a')
      .where('a.client_id = :clientId AND a.organization_id = :org', {
        clientId,
        org: organizationId,
      });
    return pageNewestFirst(qb, 'a', pager, 'administered_at').getMany();
  }

  /** Every BARC-10 total of the client, oldest first. */
  barc10Series(
    organizationId: string,
    clientId: string,
  ): Promise<Pick<Assessment, 'id' | 'total' | 'administeredAt'>[]> {
    return this.dataSource.getRepository(Assessment).find({
      select: { id: true, total: true, administeredAt: true },
      where: { clientId, organizationId, instrument: 'BARC-10' },
      order: { administeredAt: 'ASC', id: 'ASC' },
    });
  }
}
