import { Injectable } from '@nestjs/common';

import { ScopedClient } from '../../auth/access.service';
import { ApiClientPrincipal } from '../../auth/principal';
import { DomainError } from '../../common/errors/domain-error';
import { WriteTx } from '../audit/unit-of-work';
import { ClientStatus } from './client.entity';
import { ClientRepository } from './client.repository';

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

@Injectable()
export class InboundClientService {
  constructor(private readonly clients: ClientRepository) {}

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
    const rows = await this.clients.matchOrCreateInbound(
      tx.manager,
      sender.organizationId,
      identifiers,
      person,
      status,
    );
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
