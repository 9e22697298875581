/** Reads a limits stream newest first, one page at a time, by sequence (the dead letters, the audit log). */
import type { JetStreamManager, StoredMsg } from '@nats-io/jetstream';

export interface StreamPage {
  items: StoredMsg[];
  /** Pass as `before` for the next (older) page; null on the last. */
  next: number | null;
}

/** Messages with a sequence below `before` (or the newest), newest first; gaps (deleted messages) are skipped. */
export async function readNewestFirst(jsm: JetStreamManager, stream: string, o: { before?: number | undefined; limit: number }): Promise<StreamPage> {
  const info = await jsm.streams.info(stream);
  const first = info.state.first_seq;
  let seq = Math.min(info.state.last_seq, (o.before ?? Number.MAX_SAFE_INTEGER) - 1);
  const items: StoredMsg[] = [];
  // A gap costs a request; stop looking after a bounded number of them so a page never walks the whole stream.
  let misses = 0;
  while (seq >= first && seq > 0 && items.length < o.limit && misses < 2 * o.limit) {
    const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (m) items.push(m);
    else misses++;
    seq--;
  }
  return { items, next: seq >= first && seq > 0 ? seq + 1 : null };
}
