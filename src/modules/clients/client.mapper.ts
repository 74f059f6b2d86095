import { ClientResponse } from './dto/client.response';
import { ClientRow } from './client.queries';
import { ClientStatus, ContactMethod } from './client.entity';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toClientResponse(row: ClientRow): ClientResponse {
  return {
    id: row.id,
    version: row.version,
    status: row.status as ClientStatus,
    firstName: row.firstName,
    lastName: row.lastName,
    preferredName: row.preferredName,
    dateOfBirth: row.dateOfBirth,
    pronouns: row.pronouns,
    email: row.email,
    phone: row.phone,
    preferredContactMethod: row.preferredContactMethod as ContactMethod | null,
    identifiers: row.identifiers.map((i) => ({ system: i.system, value: i.value })),
    recoveryStartDate: row.recoveryStartDate,
    primarySpecialistId: row.primarySpecialistId,
    needsReassignment: row.needsReassignment,
    part2NoticeAcknowledgedOn: row.part2NoticeAcknowledgedOn,
    lastContactAt: iso(row.lastContactAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
