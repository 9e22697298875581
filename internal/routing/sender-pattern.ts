/** Sender ID patterns: exact strings, or regular expressions written between slashes ("/^ACME[0-9]$/"). Pure. */

/** True when `pattern` is written as a regular expression. */
export function isRegexPattern(pattern: string): boolean {
  return pattern.length >= 2 && pattern.startsWith('/') && pattern.endsWith('/');
}

/**
 * One test for a list of patterns: a Set for the exact strings, the regular expressions tried in order. The config
 * schema has already compiled each expression once, so a bad one never reaches here.
 */
export function compileSenderPatterns(patterns: readonly string[]): (sender: string) => boolean {
  const exact = new Set<string>();
  const regexes: RegExp[] = [];
  for (const p of patterns) {
    if (isRegexPattern(p)) regexes.push(new RegExp(p.slice(1, -1)));
    else exact.add(p);
  }
  return (sender) => exact.has(sender) || regexes.some((r) => r.test(sender));
}
