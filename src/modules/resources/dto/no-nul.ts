import { Matches } from 'class-validator';

// Postgres text cannot hold U+0000: refused as input (400) instead of failing in SQL (500).
// eslint-disable-next-line no-control-regex -- the control character is the point
const NO_NUL = /^[^\u0000]*$/;

/** The string (or each string, with `each`) holds no NUL character. */
export const NoNul = (each = false): PropertyDecorator =>
  Matches(NO_NUL, { each, message: '$property must not contain NUL characters' });
