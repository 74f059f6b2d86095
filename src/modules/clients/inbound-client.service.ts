import { Injectable } from '@nestjs/common';

import { ScopedClient } from '../../auth/access.service';
import { ApiClientPrincipal } from '../../auth/principal';
import { DomainError } from '../../common/errors/domain-error';
import { WriteTx } from '../audit/unit-of-work';
import { ClientStatus } from './client.entity';

/** The person an inbound message names (identifiers, name, birth date). */
export interface InboundPerson {
  identifiers: { system: string; value: string }[];
  firstName: string;
  lastName: string;
  dateOfBirth: string;
}

export interface MatchedClient {
  client: ScopedClient;
  created: boolean;
}

/**
 * Match by identifier within the sender's organization, or create, in ONE statement: a matched
 * client is locked FOR SHARE (like the staff route's scope check), and the insert runs only when
 * nothing matched. A new client has no primary specialist: it waits in the "needs assignment"
 * queue that supervisors work. Two senders racing on a new identifier meet on
 * client_identifier_org_uq; the loser's transaction is retried by the caller and then matches.
 */
const MATCH_OR_CREATE = `WITH input AS (
    SELECT s AS system, v AS value FROM unnest($2::text[], $3::text[]) AS t(s, v)
  ), matched AS (
    SELECT c.id, c.organization_id, c.primary_specialist_id, c.status, c.date_of_birth FROM client c
    WHERE c.organization_id = $1 AND c.deleted_at IS NULL AND c.id IN (
      SELECT ci.client_id FROM client_identifier ci
      JOIN input i ON i.system = ci.system AND i.value = ci.value WHERE ci.organization_id = $1)
    FOR SHARE OF c
  ), created AS (
    INSERT INTO client (organization_id, first_name, last_name, date_of_birth, status)
    SELECT $1, $4, $5, $6, $7 WHERE NOT EXISTS (SELECT 1 FROM matched)
    RETURNING id, organization_id, primary_specialist_id, status, date_of_birth
  ), identifiers AS (
    INSERT INTO client_identifier (client_id, organization_id, system, value)
    SELECT created.id, $1, i.system, i.value FROM created, input i
  )
  SELECT id, organization_id AS "organizationId", primary_specialist_id AS "primarySpecialistId",
    status, to_char(date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", false AS created FROM matched
  UNION ALL
  SELECT id, organization_id, primary_specialist_id, status, to_char(date_of_birth, 'YYYY-MM-DD'), true
  FROM created`;

interface MatchRow extends ScopedClient {
  dateOfBirth: string;
  created: boolean;
}

@Injectable()
export class InboundClientService {
  /**
   * The client an inbound message is about. A matched client's demographics are never changed by
   * inbound data; an identifier that names someone born on another day is a conflict (409) whose
   * problem names no one.
   */
  async matchOrCreate(
    tx: WriteTx,
    sender: ApiClientPrincipal,
    person: InboundPerson,
    status: ClientStatus,
  ): Promise<MatchedClient> {
    const identifiers = uniqueIdentifiers(person.identifiers);
    const rows: MatchRow[] = await tx.manager.query(MATCH_OR_CREATE, [
      sender.organizationId,
      identifiers.map((i) => i.system),
      identifiers.map((i) => i.value),
      person.firstName,
      person.lastName,
      person.dateOfBirth,
      status,
    ]);
    if (rows.length > 1 || rows[0].dateOfBirth !== person.dateOfBirth) {
      throw new ClientIdentifierConflictError();
    }
    const { dateOfBirth: _dob, created, ...client } = rows[0];
    if (created) {
      tx.audit({
        action: 'client.create',
        clientId: client.id,
        resourceType: 'Client',
        resourceId: client.id,
      });
    }
    return { client, created };
  }
}

export class ClientIdentifierConflictError extends DomainError {
  constructor() {
    super(
      'CLIENT_IDENTIFIER_CONFLICT',
      'The identifiers match a client whose details differ from this message; resolve the record before sending it again.',
    );
  }
}

function uniqueIdentifiers(ids: InboundPerson['identifiers']): InboundPerson['identifiers'] {
  const seen = new Map(ids.map((i) => [`${i.system}\u0000${i.value}`, i]));
  return [...seen.values()];
}
