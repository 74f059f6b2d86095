/**
 * Every stable error code the API answers with, and its HTTP status. Integrators key on `code`;
 * never rename one. A Record keyed by the union makes a missing status a compile error.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  MALFORMED_REQUEST: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_REFRESH_TOKEN: 401,
  INVALID_CLIENT: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_GRANT_TYPE: 400,
  INVALID_SCOPE: 400,
  INVALID_CURSOR: 400,
  UNSUPPORTED_SEARCH_PARAMETER: 400,
  CONFLICT: 409,
  DUPLICATE_CLIENT: 409,
  CLIENT_IDENTIFIER_CONFLICT: 409,
  EMAIL_TAKEN: 409,
  INVALID_TRANSITION: 409,
  NOTE_ALREADY_SIGNED: 409,
  NOTE_NOT_SIGNED: 409,
  GROUP_SESSION_ALREADY_SIGNED: 409,
  IDEMPOTENCY_IN_FLIGHT: 409,
  IDEMPOTENCY_RESPONSE_LOST: 409,
  ACTIVE_PLAN_EXISTS: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  BUSINESS_RULE_VIOLATION: 422,
  PLAN_TRANSITION_NOT_ALLOWED: 422,
  PLAN_AGREEMENT_REQUIRED: 422,
  PLAN_CLOSED: 422,
  GOAL_TRANSITION_NOT_ALLOWED: 422,
  NOTE_INCOMPLETE: 422,
  CREDENTIAL_EXPIRED: 422,
  CASELOAD_CAP_EXCEEDED: 422,
  SPECIALIST_NOT_ASSIGNABLE: 422,
  PRECONDITION_REQUIRED: 428,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? 'Error';
}

export function problemType(code: ErrorCode): string {
  return `https://recovery-bridge.example/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}
