import { NotFoundException } from '@nestjs/common';

import { DomainError } from './domain-error';
import { toDomainError } from './to-domain-error';

describe('toDomainError', () => {
  it('should map a refused or dropped database connection to 503 SERVICE_UNAVAILABLE', () => {
    for (const error of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      expect(toDomainError(error)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', extra: { retryAfterSeconds: 5 } });
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
