import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A dated, attributed correction of a signed note. Append-only: the original is never altered. */
@Entity('session_note_addendum')
export class SessionNoteAddendum {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  organizationId: string;

  @Column('uuid')
  noteId: string;

  @Column('uuid')
  clientId: string;

  @Column('uuid')
  authorId: string;

  @Column('text')
  text: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
