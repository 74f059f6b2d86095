import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { ApiClientPrincipal } from '../../auth/principal';
import { preparedQuery } from '../../database/prepared';
import { selectRows } from './fhir-query';
import { FhirResourceDefinition, FhirRow } from './fhir-resource';
import { SqlArgs } from './fhir-search';

export type FhirSearchRow = FhirRow<Record<string, unknown>>;

/**
 * The FHIR facade's data access: consent-checked reads of a type's rows (selectRows), each a
 * named prepared statement (the consent-checked SELECT cost more to plan than to run).
 */
@Injectable()
export class FhirRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The row of `id` the API client may read (none, or one). */
  findById(
    def: FhirResourceDefinition,
    client: ApiClientPrincipal,
    id: string,
    idType: string,
  ): Promise<FhirSearchRow[]> {
    const args = new SqlArgs();
    return preparedQuery<FhirSearchRow>(
      this.dataSource,
      selectRows(def, client, args, [`${def.id} = ${args.add(id)}::${idType}`], 1),
      args.values,
    );
  }

  /**
   * Up to `limit` rows matching the search's predicates (bound in `args`), in id order after the
   * cursor's key when given.
   */
  findMatches(
    def: FhirResourceDefinition,
    client: ApiClientPrincipal,
    args: SqlArgs,
    predicates: string[],
    afterKey: string | undefined,
    limit: number,
  ): Promise<FhirSearchRow[]> {
    if (afterKey !== undefined) {
      predicates.push(`${def.id} > ${args.add(afterKey)}::${def.idType ?? 'uuid'}`);
    }
    return preparedQuery<FhirSearchRow>(
      this.dataSource,
      selectRows(def, client, args, predicates, limit),
      args.values,
    );
  }

  /** The Patients of these clients the API client may read. */
  findPatients(
    patient: FhirResourceDefinition,
    client: ApiClientPrincipal,
    clientIds: string[],
  ): Promise<FhirSearchRow[]> {
    const args = new SqlArgs();
    return preparedQuery<FhirSearchRow>(
      this.dataSource,
      selectRows(
        patient,
        client,
        args,
        [`c.id = ANY (${args.add(clientIds)}::uuid[])`],
        clientIds.length,
      ),
      args.values,
    );
  }
}
