/** A stigmatizing term found in a note, with the person-first wording to use instead. */
export interface LanguageWarning {
  term: string;
  suggestion: string;
  section: string;
}

interface Rule {
  term: string;
  pattern: RegExp;
  suggestion: string;
}

const SUBSTANCE_TEST = String.raw`(?:urine|urines|ua|uas|uds|drug\s+screens?|tox(?:icology)?\s+screens?|screens?|tests?|drops?|samples?)`;

// Person-first, recovery-oriented wording (Botticelli & Koh, "Changing the language of addiction", JAMA
// 2016; ONDCP 2017). Terms are matched on word boundaries, longest phrases first, so "substance
// abuse" is one finding rather than two, and "clean"/"dirty" only where they describe a person or a test.
const RULES: Rule[] = [
  {
    term: 'substance abuse',
    pattern: /\bsubstance\s+abuse\b/,
    suggestion: 'substance use (or substance use disorder)',
  },
  {
    term: 'drug abuse',
    pattern: /\bdrug\s+abuse\b/,
    suggestion: 'drug use (or substance use disorder)',
  },
  {
    term: 'alcohol abuse',
    pattern: /\balcohol\s+abuse\b/,
    suggestion: 'alcohol use (or alcohol use disorder)',
  },
  {
    term: 'abuser',
    pattern: /\b(?:drug\s+|substance\s+|alcohol\s+)?abusers?\b/,
    suggestion: 'person who uses substances',
  },
  {
    term: 'addict',
    pattern: /\baddicts?\b/,
    suggestion: 'person with a substance use disorder (or person in recovery)',
  },
  {
    term: 'alcoholic',
    pattern: /\balcoholics?\b/,
    suggestion: 'person with an alcohol use disorder',
  },
  { term: 'junkie', pattern: /\bjunkies?\b/, suggestion: 'person who uses drugs' },
  { term: 'crackhead', pattern: /\bcrackheads?\b/, suggestion: 'person who uses drugs' },
  { term: 'druggie', pattern: /\bdruggies?\b/, suggestion: 'person who uses drugs' },
  {
    term: 'clean',
    pattern: new RegExp(
      String.raw`\bclean\s+${SUBSTANCE_TEST}\b|\b${SUBSTANCE_TEST}\s+(?:was|were|is|are|came\s+back|come\s+back)\s+clean\b|\b(?:stay|stays|stayed|staying|been|being|got|get|getting|is|was|remains?|remained)\s+clean\b|\bclean\s+(?:time|date|and\s+sober)\b`,
    ),
    suggestion: 'in recovery, not currently using; for a test result: negative',
  },
  {
    term: 'dirty',
    pattern: new RegExp(
      String.raw`\bdirty\s+${SUBSTANCE_TEST}\b|\b${SUBSTANCE_TEST}\s+(?:was|were|is|are|came\s+back|come\s+back)\s+dirty\b|\b(?:is|was|been|got|came\s+in)\s+dirty\b`,
    ),
    suggestion: 'currently using; for a test result: positive',
  },
  {
    term: 'relapse',
    pattern: /\brelaps(?:e|es|ed|ing)\b/,
    suggestion: 'return to use (or recurrence)',
  },
  {
    term: 'non-compliant',
    pattern: /\bnon-?compliant\b|\bnoncompliance\b|\bnon-compliance\b/,
    suggestion: 'chose not to, or not yet engaged in',
  },
  {
    term: 'opioid replacement',
    pattern: /\b(?:opioid|opiate)\s+replacement(?:\s+therapy)?\b/,
    suggestion: 'medication for opioid use disorder (MOUD)',
  },
];

/** Findings in one text, each term reported once; overlapping matches count once (longest rule first). */
function scan(text: string, section: string): LanguageWarning[] {
  const lower = text.toLowerCase();
  const taken: [number, number][] = [];
  const found: LanguageWarning[] = [];
  for (const rule of RULES) {
    const re = new RegExp(rule.pattern.source, 'g');
    for (let m = re.exec(lower); m; m = re.exec(lower)) {
      const span: [number, number] = [m.index, m.index + m[0].length];
      if (taken.some(([a, b]) => span[0] < b && a < span[1])) continue;
      taken.push(span);
      if (!found.some((w) => w.term === rule.term))
        found.push({ term: rule.term, suggestion: rule.suggestion, section });
    }
  }
  return found;
}

/**
 * Non-blocking recovery-oriented language check: each stigmatizing term of each section, once per
 * section, in section order. Saving never fails on language; the author decides.
 */
export function findStigmatizingLanguage(sections: Record<string, string>): LanguageWarning[] {
  return Object.entries(sections).flatMap(([section, text]) =>
    typeof text === 'string' ? scan(text, section) : [],
  );
}
