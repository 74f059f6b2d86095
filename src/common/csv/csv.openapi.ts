import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProduces, getSchemaPath } from '@nestjs/swagger';

import { CsvColumn, csvHeaderLine } from './csv';

/**
 * The 200 of a read that is also a CSV export: `application/json` is `type`, `text/csv` the
 * export, whose stable header row (the column names, in order) is in its description and example.
 */
export function ApiJsonOrCsvResponse<T>(
  type: Type<unknown>,
  columns: readonly CsvColumn<T>[],
  description: string,
): MethodDecorator {
  const header = csvHeaderLine(columns);
  return applyDecorators(
    ApiExtraModels(type),
    ApiProduces('application/json', 'text/csv'),
    ApiOkResponse({
      description: `${description}. With \`Accept: text/csv\`: a streamed CSV attachment (every row, paging parameters ignored), header row \`${header}\`; text cells starting with = + - @, tab or CR are prefixed with '.`,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(type) } },
        'text/csv': {
          schema: { type: 'string', description: `Header row: ${header}` },
          example: `${header}\n`,
        },
      },
    }),
  );
}
