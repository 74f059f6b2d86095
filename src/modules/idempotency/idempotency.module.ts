import { Global, Module } from '@nestjs/common';

import { IdempotencyRepository } from './idempotency.repository';

/**
 * The idempotency keys' data access, global: the `@Idempotent()` interceptor is instantiated in
 * the module of each controller that uses it, and the worker purges the keys.
 */
@Global()
@Module({
  providers: [IdempotencyRepository],
  exports: [IdempotencyRepository],
})
export class IdempotencyModule {}
