import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * Whether a table of another feature exists. Notes validate goals and the timeline shows
 * assessments only where those features are deployed; the answer is fixed once migrations ran.
 */
@Injectable()
export class SchemaProbe {
  private readonly known = new Map<string, Promise<boolean>>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  hasTable(name: string): Promise<boolean> {
    let answer = this.known.get(name);
    if (!answer) {
      answer = this.dataSource
        .query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`public.${name}`])
        .then(([row]: { ok: boolean }[]) => row.ok);
      this.known.set(name, answer);
    }
    return answer;
  }
}
