import { applyDecorators, createParamDecorator, ExecutionContext, Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiProduces,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';

import { CsvColumn, csvHeaderLine, wantsCsv } from './csv';

/** A handler parameter: whether the request's `Accept` header asks for the CSV export. */
export const WantsCsv = createParamDecorator((_data: unknown, context: ExecutionContext): boolean =>
  wantsCsv(context.switchToHttp().getRequest<FastifyRequest>().headers.accept),
);

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
    ApiHeader({
      name: 'Accept',
      required: false,
      description: '`text/csv` for the CSV export (preferred at least as much as application/json)',
    }),
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
