/**
 * This edge's open Idempotency-Key claims: those whose message is not yet known stored or withdrawn. What it says is
 * what other edges rely on when they find one of our claims: an open claim is in flight (409); a claim no longer open
 * whose record still stands had its message stored (its recorded answer is replayed). The settled mark is the time
 * before which every claim of ours is settled; it is written to the bucket so that it outlives this process.
 */

export interface OpenClaims {
  /** A claim time, never below an earlier one: the settled mark compares claim times, so the wall clock stepping back must not break it. */
  stamp(): number;
  /**
   * A claim's write on `key` is under way: its record may exist before the write is acknowledged, and another edge
   * that finds it must hear that it is open. `end` when the write settles.
   */
  begin(key: string, at: number): number;
  end(attempt: number): void;
  /** This edge owns the claim on `key`, made at `at`. */
  open(key: string, at: number): void;
  /** The key's message was stored, or its claim was withdrawn (the record deleted) or taken over. */
  close(key: string): void;
  /** Open, or a write of it under way. */
  has(key: string): boolean;
  /** When the open claim on `key` was made. */
  openedAt(key: string): number | undefined;
  /** Every claim made at or before this time is closed, and no write of one is under way. */
  settledMark(): number;
  /** Whether a claim opened or closed since the last `markTaken()`: only then is a new mark worth writing. */
  readonly changed: boolean;
  markTaken(): void;
  readonly size: number;
}

export function createOpenClaims(now: () => number = Date.now): OpenClaims {
  const open = new Map<string, number>();
  const writing = new Map<number, { key: string; at: number }>();
  const writingKeys = new Map<string, number>();
  let attempts = 0;
  let last = 0;
  let changed = false;
  return {
    stamp() {
      last = Math.max(last, now());
      return last;
    },
    begin(key, at) {
      writing.set(++attempts, { key, at });
      writingKeys.set(key, (writingKeys.get(key) ?? 0) + 1);
      changed = true;
      return attempts;
    },
    end(attempt) {
      const w = writing.get(attempt);
      if (!w) return;
      writing.delete(attempt);
      const n = writingKeys.get(w.key)! - 1;
      if (n === 0) writingKeys.delete(w.key);
      else writingKeys.set(w.key, n);
    },
    open(key, at) {
      // Opened again (a withdrawal of an open claim): it keeps its first stamp and place, so the map stays in stamp order.
      if (!open.has(key)) open.set(key, at);
      changed = true;
    },
    close(key) {
      if (open.delete(key)) changed = true;
    },
    has: (key) => open.has(key) || writingKeys.has(key),
    openedAt: (key) => open.get(key),
    settledMark() {
      // Both maps are in stamp order (insertion order, stamps never decrease): their first entries are the oldest.
      let oldest = Infinity;
      for (const at of open.values()) {
        oldest = at;
        break;
      }
      for (const w of writing.values()) {
        oldest = Math.min(oldest, w.at);
        break;
      }
      return oldest === Infinity ? this.stamp() : oldest - 1;
    },
    get changed() {
      return changed;
    },
    markTaken() {
      changed = false;
    },
    get size() {
      return open.size;
    },
  };
}
