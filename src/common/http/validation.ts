import {
  ArgumentMetadata,
  ValidationError as ClassValidatorError,
  ValidationPipe,
} from '@nestjs/common';

import { FieldError, ValidationError } from '../errors/domain-error';

function flatten(errors: ClassValidatorError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Nest's pipe lets a JSON body that is not an object through: an array is validated as nothing
 * and reaches the service (a 500), and a number or string passes an all-optional DTO (a PATCH
 * of `42` was a version-bumping no-op write). A DTO body must be an object, or absent.
 */
class BodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDto = metadata.type === 'body' && typeof metadata.metatype === 'function';
    if (isDto && value !== undefined && value !== null) {
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw new ValidationError([{ field: 'body', message: 'body must be a JSON object' }]);
      }
    }
    return super.transform(value, metadata);
  }
}

/** Unknown fields are rejected, not ignored; every failure is a 400 listing field and message. */
export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) =>
      new ValidationError(flatten(errors).sort((a, b) => a.field.localeCompare(b.field))),
  });
}
