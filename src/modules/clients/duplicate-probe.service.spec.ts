import { randomUUID } from 'node:crypto';

import Redis from 'ioredis';
import { Role } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { Config } from '../../config/configuration';
import { AuditService } from '../audit/audit.service';
import { ClientRepository } from './client.repository';
import {
  DuplicateClientError,
  DuplicateClientOutOfScopeError,
  DuplicateProbeLimitError,
} from './clients.errors';
import { DuplicateProbeService } from './duplicate-probe.service';

describe('DuplicateProbeService', () => {
  const actor: UserPrincipal = {
    kind: 'user',
    id: randomUUID(),
    organizationId: randomUUID(),
    role: Role.PeerSpecialist,
    sessionId: randomUUID(),
  };
  const match = randomUUID();
  const config = { clients: { duplicateProbeLimit: 2, duplicateProbeWindowSeconds: 60 } } as Config;

  function build(opts: { replies?: unknown[][]; redisDown?: boolean; inScope?: boolean }) {
    const multi = {
      get: jest.fn().mockReturnThis(),
      incr: jest.fn().mockReturnThis(),
      expire: jest.fn().mockReturnThis(),
      pttl: jest.fn().mockReturnThis(),
      exec: opts.redisDown
        ? jest.fn().mockRejectedValue(new Error('Stream isn’t writeable'))
        : jest.fn().mockResolvedValue(opts.replies ?? []),
    };
    const redis = { multi: () => multi } as unknown as Redis;
    const clients = {
      isInScope: jest.fn().mockResolvedValue(opts.inScope === true),
    } as unknown as ClientRepository;
    const audit = { recordNow: jest.fn().mockResolvedValue(undefined) };
    const sut = new DuplicateProbeService(clients, redis, config, audit as unknown as AuditService);
    return { sut, audit, multi };
  }

  it('should reveal the id only when the caller may read the match, auditing either way', async () => {
    const seen = build({
      replies: [
        [null, 5],
        [null, 1],
        [null, 60_000],
      ],
      inScope: true,
    });
    await expect(seen.sut.answer(actor, match)).rejects.toEqual(new DuplicateClientError(match));
    // A match the caller may read reveals nothing: it is not counted towards the limit.
    expect(seen.multi.incr).not.toHaveBeenCalled();
    expect(seen.audit.recordNow).toHaveBeenCalledTimes(1);
    const hidden = build({
      replies: [
        [null, 2],
        [null, 1],
        [null, 60_000],
      ],
      inScope: false,
    });
    await expect(hidden.sut.answer(actor, match)).rejects.toBeInstanceOf(
      DuplicateClientOutOfScopeError,
    );
    expect(hidden.audit.recordNow).toHaveBeenCalledWith(actor, {
      action: 'client.duplicate-probe',
      outcome: 'success',
      clientId: match,
      resourceType: 'Client',
      resourceId: match,
    });
  });

  it('should answer 429 with the window left past the limit, and audit the denied probe', async () => {
    const { sut, audit } = build({
      replies: [
        [null, 3],
        [null, 0],
        [null, 12_345],
      ],
    });
    const error = await sut.answer(actor, match).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateProbeLimitError);
    expect((error as DuplicateProbeLimitError).extra.retryAfterSeconds).toBe(13);
    expect(audit.recordNow).toHaveBeenCalledWith(
      actor,
      expect.objectContaining({ outcome: 'denied' }),
    );
  });

  it('should refuse a caller at the limit before any write, and let one under it through', async () => {
    await expect(
      build({
        replies: [
          [null, '2'],
          [null, 30_000],
        ],
      }).sut.assertNotLimited(actor),
    ).rejects.toBeInstanceOf(DuplicateProbeLimitError);
    await expect(
      build({
        replies: [
          [null, '1'],
          [null, 30_000],
        ],
      }).sut.assertNotLimited(actor),
    ).resolves.toBeUndefined();
    await expect(
      build({
        replies: [
          [null, null],
          [null, -2],
        ],
      }).sut.assertNotLimited(actor),
    ).resolves.toBeUndefined();
  });

  it('should fail open when Redis is away: the match is still audited and answered 409', async () => {
    const { sut, audit } = build({ redisDown: true, inScope: false });
    await expect(sut.assertNotLimited(actor)).resolves.toBeUndefined();
    await expect(sut.answer(actor, match)).rejects.toBeInstanceOf(DuplicateClientOutOfScopeError);
    expect(audit.recordNow).toHaveBeenCalledTimes(1);
  });
});
