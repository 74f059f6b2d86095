import { ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';

import { FieldError, ValidationError } from '../errors/domain-error';

function flatten(errors: ClassValidatorError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Unknown fields are rejected, not ignored; every failure is a 400 listing field and message. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) =>
      new ValidationError(flatten(errors).sort((a, b) => a.field.localeCompare(b.field))),
  });
}
