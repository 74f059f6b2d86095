import { canonicalJson, contentHash, SignedContent } from './content-hash';

const content = (over: Partial<SignedContent> = {}): SignedContent => ({
  noteId: '6f1c1f0e-0000-4000-8000-000000000001',
  clientId: '6f1c1f0e-0000-4000-8000-000000000002',
  authorId: '6f1c1f0e-0000-4000-8000-000000000003',
  startedAt: new Date('2026-03-01T10:00:00Z'),
  endedAt: new Date('2026-03-01T10:30:00Z'),
  contactType: 'in_person',
  setting: 'community',
  format: 'DAP',
  sections: { data: 'd', assessment: 'a', plan: 'p' },
  goalIds: ['b', 'a'],
  interventions: ['support', 'engagement'],
  riskFlags: [],
  ...over,
});

describe('content hash', () => {
  it('should sort keys at every depth when serializing', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[2,{"y":null,"z":1}]},"b":1}',
    );
  });

  it('should give the same hash when only key or set order differs', () => {
    const reordered = content({
      sections: { plan: 'p', data: 'd', assessment: 'a' },
      goalIds: ['a', 'b'],
      interventions: ['engagement', 'support'],
    });
    expect(contentHash(reordered)).toBe(contentHash(content()));
    expect(contentHash(content())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('should give another hash when any clinical content changes', () => {
    const base = contentHash(content());
    expect(contentHash(content({ sections: { data: 'd!', assessment: 'a', plan: 'p' } }))).not.toBe(
      base,
    );
    expect(contentHash(content({ endedAt: new Date('2026-03-01T10:31:00Z') }))).not.toBe(base);
    expect(contentHash(content({ riskFlags: ['overdose_risk'] }))).not.toBe(base);
  });
});
