import { CreateFoundation1764000000000 } from './1764000000000-CreateFoundation';

/** Every migration, in order. The data source and the test setup both read this list. */
export const MIGRATIONS = [CreateFoundation1764000000000];
