import { describe, expect, it } from 'vitest';
import { createOptOutClassifier } from './opt-out-keywords.js';

const defaults = {
  keywords: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'],
  clientWideKeywords: ['STOPALL'],
  optInKeywords: ['START', 'UNSTOP'],
};

describe('opt-out keywords', () => {
  const of = createOptOutClassifier(defaults);

  it('opts out on a keyword alone, case-insensitively', () => {
    for (const t of ['STOP', 'stop', ' Stop. ', 'unsubscribe', 'Cancel!', 'end', 'QUIT'])
      expect(of(t), t).toEqual({ kind: 'optOut', clientWide: false });
  });

  it('opts out of every sender of the client on a client-wide keyword', () => {
    expect(of('stopall')).toEqual({ kind: 'optOut', clientWide: true });
  });

  it('opts back in on START and UNSTOP', () => {
    expect(of('start')).toEqual({ kind: 'optIn' });
    expect(of('UNSTOP')).toEqual({ kind: 'optIn' });
  });

  it('ignores the keyword inside a longer text', () => {
    for (const t of ['Stop by at 5', 'the END', 'STOP STOP', 'stopp', '', '   ']) expect(of(t), t).toEqual({ kind: 'none' });
  });

  it('takes configured keywords in place of the defaults', () => {
    const custom = createOptOutClassifier({ keywords: ['ARRET'], clientWideKeywords: [], optInKeywords: ['Reprise'] });
    expect(of('arret')).toEqual({ kind: 'none' });
    expect(custom('Arret')).toEqual({ kind: 'optOut', clientWide: false });
    expect(custom('STOP')).toEqual({ kind: 'none' });
    expect(custom('reprise')).toEqual({ kind: 'optIn' });
  });
});
