import { NotFoundException } from '@nestjs/common';
import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';

import { DomainError } from './domain-error';
import { safeError } from './problem.filter';
import { toDomainError } from './to-domain-error';

describe('toDomainError', () => {
  it('should map a refused or dropped database connection to 503 SERVICE_UNAVAILABLE', () => {
    for (const error of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), {
        code: '57P01',
      }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Client has encountered a connection error and is not queryable'),
      Object.assign(new Error('the database system is shutting down'), { code: '57P03' }),
      Object.assign(new Error('x'), { driverError: { code: '08006' } }),
      new QueryRunnerAlreadyReleasedError(),
      new QueryRunnerProviderAlreadyReleasedError(),
    ]) {
      expect(toDomainError(error)).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        extra: { retryAfterSeconds: 5 },
      });
    }
  });

  it('should keep domain errors and map Nest HTTP exceptions by status', () => {
    const domain = new DomainError('CONFLICT', 'x');
    expect(toDomainError(domain)).toBe(domain);
    expect(toDomainError(new NotFoundException())).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });

  it('should leave a genuine bug unmapped, to become a logged 500', () => {
    expect(toDomainError(new TypeError('x is undefined'))).toBeUndefined();
  });
});

describe('safeError', () => {
  it('should keep the kind, message and stack of an error, never its query parameters or detail', () => {
    const error = Object.assign(new Error('duplicate key value violates unique constraint "x"'), {
      code: '23505',
      parameters: ['Jane', 'Doe', '1990-01-01'],
      detail: 'Key (last_name)=(Doe) already exists.',
    });
    const logged = JSON.stringify(safeError(error));
    expect(logged).toContain('23505');
    expect(logged).not.toMatch(/Jane|Doe|1990/);
  });

  it('should redact the input Postgres quotes in a message, in the message and the stack', () => {
    const error = Object.assign(
      new Error('invalid input syntax for type uuid: "Jane \\"J\\" Doe"'),
      {
        code: '22P02',
      },
    );
    const logged = safeError(error);
    expect(logged.message).toBe('invalid input syntax for type uuid: "[redacted]"');
    expect(logged.stack).toMatch(/^Error: invalid input syntax for type uuid: "\[redacted\]"\n/);
    expect(JSON.stringify(logged)).not.toMatch(/Jane|Doe/);
  });

  it('should keep identifiers Postgres quotes, which hold no input', () => {
    const error = new Error(
      'duplicate key value violates unique constraint "client_identifier_uq"',
    );
    expect(safeError(error).message).toBe(error.message);
  });
});
