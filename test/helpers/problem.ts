/** The problem+json body every error must have, minus the per-request correlation id. */
export function problem(
  status: number,
  code: string,
  detail: string,
  errors?: { field: string; message: string }[],
) {
  return {
    type: `https://recovery-bridge.example/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: expect.any(String),
    status,
    detail,
    code,
    correlationId: expect.any(String),
    ...(errors ? { errors } : {}),
  };
}

/** The answer to any cursor the list did not issue to this caller. */
export const INVALID_CURSOR = problem(
  400,
  'INVALID_CURSOR',
  'The cursor is not valid; request the first page again.',
  [{ field: 'cursor', message: 'cursor is not valid' }],
);
