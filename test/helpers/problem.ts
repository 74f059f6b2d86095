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
