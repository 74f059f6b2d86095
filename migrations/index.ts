import { CreateFoundation1764000000000 } from './1764000000000-CreateFoundation';
import { CreateClients1764000001000 } from './1764000001000-CreateClients';
import { CreateSharedCareTables1764000001500 } from './1764000001500-CreateSharedCareTables';

/** Every migration, in order. The data source and the test setup both read this list. */
export const MIGRATIONS = [
  CreateFoundation1764000000000,
  CreateClients1764000001000,
  CreateSharedCareTables1764000001500,
];
