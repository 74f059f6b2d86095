import { ERROR_STATUS, ErrorCode, problemType, titleFor } from './error-codes';
import { DomainError, FieldError } from './domain-error';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  correlationId: string;
  errors?: FieldError[];
  [member: string]: unknown;
}

export function toProblem(error: DomainError, correlationId: string): Problem {
  const status = ERROR_STATUS[error.code];
  const problem: Problem = {
    ...error.extra.members,
    type: problemType(error.code),
    title: titleFor(status),
    status,
    detail: error.message,
    code: error.code,
    correlationId,
  };
  if (error.extra.errors) problem.errors = error.extra.errors;
  return problem;
}
