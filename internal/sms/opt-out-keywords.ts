/**
 * What an inbound (MO) text means for the sender's opt-out: a keyword alone (case-insensitive, surrounding spaces and
 * trailing punctuation ignored) opts out — of the number it was sent to, or of every sender of the client for the
 * client-wide keywords — or opts back in. Any other text means nothing: "Stop by at 5" is a message, not an opt-out.
 */

export interface OptOutKeywords {
  keywords: readonly string[];
  clientWideKeywords: readonly string[];
  optInKeywords: readonly string[];
}

export type OptOutAction = { kind: 'optOut'; clientWide: boolean } | { kind: 'optIn' } | { kind: 'none' };

const upper = (xs: readonly string[]) => new Set(xs.map((x) => x.toUpperCase()));

export function createOptOutClassifier(k: OptOutKeywords): (text: string) => OptOutAction {
  const out = upper(k.keywords);
  const wide = upper(k.clientWideKeywords);
  const back = upper(k.optInKeywords);
  return function optOutActionOf(text) {
    const t = text.trim().replace(/[.!]+$/u, '').trim().toUpperCase();
    if (t.length === 0 || t.length > 32) return { kind: 'none' };
    if (back.has(t)) return { kind: 'optIn' };
    if (wide.has(t)) return { kind: 'optOut', clientWide: true };
    if (out.has(t)) return { kind: 'optOut', clientWide: false };
    return { kind: 'none' };
  };
}
