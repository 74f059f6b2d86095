import { findStigmatizingLanguage } from './recovery-language';

const terms = (text: string): string[] =>
  findStigmatizingLanguage({ narrative: text }).map((w) => w.term);

describe('findStigmatizingLanguage', () => {
  it('should flag each stigmatizing term with a person-first suggestion and its section', () => {
    const sut = findStigmatizingLanguage({
      data: 'Client is an addict.',
      plan: 'Discuss substance abuse history.',
    });
    expect(sut).toEqual([
      {
        term: 'addict',
        suggestion: 'person with a substance use disorder (or person in recovery)',
        section: 'data',
      },
      {
        term: 'substance abuse',
        suggestion: 'substance use (or substance use disorder)',
        section: 'plan',
      },
    ]);
  });

  it('should match whole words only when a term is part of a longer word', () => {
    expect(terms('We talked about addiction and recovery; she is addicted to running.')).toEqual(
      [],
    );
    expect(terms('Addicts and ALCOHOLIC friends')).toEqual(['addict', 'alcoholic']);
  });

  it('should report a phrase once when a shorter term lies inside it', () => {
    expect(terms('history of drug abuse')).toEqual(['drug abuse']);
    expect(terms('known as a drug abuser')).toEqual(['abuser']);
  });

  it('should flag clean and dirty only when they describe a person or a test', () => {
    expect(terms('Urine came back dirty; he says he stayed clean.')).toEqual(['clean', 'dirty']);
    expect(terms('Clean UA today. Dirty drop last week.')).toEqual(['clean', 'dirty']);
    expect(
      terms('Helped clean the kitchen; wore clean clothes to the interview; dirty dishes.'),
    ).toEqual([]);
  });

  it('should flag relapse in its forms when written', () => {
    expect(terms('She relapsed on Friday.')).toEqual(['relapse']);
  });

  it('should report a term once per section when it repeats', () => {
    expect(findStigmatizingLanguage({ a: 'junkie, junkies', b: 'junkie' })).toEqual([
      { term: 'junkie', suggestion: 'person who uses drugs', section: 'a' },
      { term: 'junkie', suggestion: 'person who uses drugs', section: 'b' },
    ]);
  });

  it('should return nothing when the note uses recovery-oriented language', () => {
    expect(
      terms(
        'Person in recovery; return to use discussed; negative test; medication for opioid use disorder.',
      ),
    ).toEqual([]);
  });
});
