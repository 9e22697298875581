/**
 * One counter read off a Prometheus text page, summed over its series. The bench follows a long drain by the status
 * writer's own count of final states (smsmesh_messages_persisted_total) instead of counting rows every second: over a
 * table of a million rows that count is a parallel scan of the whole table, taken from the drain it measures.
 */
export function counterSum(page: string, name: string): number | undefined {
  let sum = 0;
  let seen = false;
  for (const line of page.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.charCodeAt(name.length);
    // The name alone or with labels: not a longer name that begins with it (name_created, …).
    if (rest !== 32 /* space */ && rest !== 123 /* { */) continue;
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (!Number.isFinite(v)) continue;
    sum += v;
    seen = true;
  }
  return seen ? sum : undefined;
}

/** The counter summed over every page given (several status writers); undefined when no page has it or one fails. */
export async function scrapeCounter(urls: readonly string[], name: string): Promise<number | undefined> {
  let sum = 0;
  for (const url of urls) {
    let page: string;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (!res.ok) return undefined;
      page = await res.text();
    } catch {
      return undefined;
    }
    const v = counterSum(page, name);
    if (v === undefined) return undefined;
    sum += v;
  }
  return urls.length > 0 ? sum : undefined;
}
