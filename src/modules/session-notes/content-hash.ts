import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every depth, so equal content always serializes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The clinical content a signature covers: who, whom, when, what kind, and what was written. */
export interface SignedContent {
  noteId: string;
  clientId: string;
  authorId: string;
  startedAt: Date;
  endedAt: Date;
  contactType: string;
  setting: string | null;
  format: string;
  sections: Record<string, string>;
  goalIds: string[];
  interventions: string[];
  riskFlags: string[];
}

/** SHA-256 (hex) of the canonical JSON; sets are sorted so their order does not change the hash. */
export function contentHash(content: SignedContent): string {
  const canonical = canonicalJson({
    ...content,
    goalIds: [...content.goalIds].sort(),
    interventions: [...content.interventions].sort(),
    riskFlags: [...content.riskFlags].sort(),
  });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
