/** supertest's `.auth(token, bearer)`: sends `Authorization: Bearer <token>`. */
export const bearer = { type: 'bearer' } as const;
