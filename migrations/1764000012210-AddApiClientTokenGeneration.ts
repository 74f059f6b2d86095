import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deactivating an API client must end the access tokens it already holds, also when it is
 * reactivated before they expire. Each token carries the client's `token_generation` (claim
 * `gen`); deactivation bumps it (in a trigger, so every path does), and the session check refuses
 * a token of an older generation. Tokens signed before this column existed carry none and count
 * as generation 0.
 */
export class AddApiClientTokenGeneration1764000012210 implements MigrationInterface {
  name = 'AddApiClientTokenGeneration1764000012210';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE api_client ADD COLUMN token_generation integer NOT NULL DEFAULT 0;

      CREATE FUNCTION api_client_bump_token_generation() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF OLD.active AND NOT NEW.active THEN
          NEW.token_generation := OLD.token_generation + 1;
        END IF;
        RETURN NEW;
      END
      $fn$;
      CREATE TRIGGER api_client_token_generation_trg BEFORE UPDATE OF active ON api_client
        FOR EACH ROW EXECUTE FUNCTION api_client_bump_token_generation();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER api_client_token_generation_trg ON api_client;
      DROP FUNCTION api_client_bump_token_generation();
      ALTER TABLE api_client DROP COLUMN token_generation;
    `);
  }
}
