import { seedSessionNotes } from '../../src/database/seeds/session-notes.seed';
import { contentHash } from '../../src/modules/session-notes/content-hash';
import { findStigmatizingLanguage } from '../../src/modules/session-notes/recovery-language';
import { createTestApp, TestApp } from '../setup/create-test-app';
import { createClient } from '../factories/client.factory';
import { createTestOrg } from '../factories/people.factory';

describe('session notes demo seeder (integration)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const people = (organizationId: string) => ({
    organizationId,
    teams: { North: '', South: '' },
    users: {},
  });

  it('should do nothing when the organization has no clients', async () => {
    const org = await createTestOrg(t.app);
    await t.dataSource.transaction((m) => seedSessionNotes(m, people(org.id)));
    const [row] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM session_note WHERE organization_id = $1`,
      [org.id],
    );
    expect(row.n).toBe(0);
  });

  it('should give each client two signed, hash-consistent notes once, however often it runs', async () => {
    const org = await createTestOrg(t.app);
    const clients = [
      await createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerA1.id }),
      await createClient(t.dataSource, { organizationId: org.id, specialistId: org.peerB1.id }),
    ];
    await t.dataSource.transaction((m) => seedSessionNotes(m, people(org.id)));
    await t.dataSource.transaction((m) => seedSessionNotes(m, people(org.id)));
    const notes = await t.dataSource.query(
      `SELECT id, client_id, author_id, status, started_at, ended_at, contact_type, setting, format, sections, goal_ids,
         interventions, risk_flags, content_hash, late_entry FROM session_note WHERE organization_id = $1`,
      [org.id],
    );
    expect(notes).toHaveLength(4);
    for (const clientId of clients)
      expect(notes.filter((n: { client_id: string }) => n.client_id === clientId)).toHaveLength(2);
    for (const n of notes) {
      expect(n.status).toBe('signed');
      expect(n.late_entry).toBe(false);
      expect(findStigmatizingLanguage(n.sections)).toEqual([]);
      const hash = contentHash({
        noteId: n.id,
        clientId: n.client_id,
        authorId: n.author_id,
        startedAt: n.started_at,
        endedAt: n.ended_at,
        contactType: n.contact_type,
        setting: n.setting,
        format: n.format,
        sections: n.sections,
        goalIds: n.goal_ids,
        interventions: n.interventions,
        riskFlags: n.risk_flags,
      });
      expect(n.content_hash).toBe(hash);
    }
  });
});
