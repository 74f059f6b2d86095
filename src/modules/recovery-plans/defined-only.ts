/**
 * The properties that were actually sent. DTO instances carry every declared field (undefined
 * when absent), and a PATCH must change only what the caller named.
 */
export function definedOnly<T extends object>(dto: T): Partial<T> {
  return Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as Partial<T>;
}
