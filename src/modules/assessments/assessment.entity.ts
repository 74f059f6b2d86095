import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One administration of an instrument (today only BARC-10). Assessments are never edited. */
@Entity('assessment')
export class Assessment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  clientId: string;

  @Column('text')
  instrument: 'BARC-10';

  @Column('smallint', { array: true })
  answers: number[];

  @Column('smallint')
  total: number;

  @Column({ type: 'timestamptz', precision: 3 })
  administeredAt: Date;

  @Column('uuid', { nullable: true })
  administeredById: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
