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
  begin(key: string, at: number): void;
  end(key: string): void;
  /** This edge owns the claim on `key`, made at `at`. */
  open(key: string, at: number): void;
  /** The key's message was stored, or its claim was withdrawn (the record deleted) or taken over. */
  close(key: string): void;
  /** Open, or a write of it under way. */
  has(key: string): boolean;
  /** When this edge's claim on `key` was made, while it is open. */
  openedAt(key: string): number | undefined;
  /** Every claim made at or before this time is closed, and no write of one is under way. */
  settledMark(): number;
  /** Whether a claim opened or closed since the last `markTaken()`: only then is a new mark worth writing. */
  readonly changed: boolean;
  markTaken(): void;
  /** Keys open or being written. */
  readonly size: number;
}

/** `at`: the key's first stamp while it is here (what the mark must not pass); `owned`: the stamp of our claim's record. */
interface Entry {
  at: number;
  writes: number;
  owned: number | undefined;
}

export function createOpenClaims(now: () => number = Date.now): OpenClaims {
  // One map, in stamp order (insertion order, and stamps never decrease): its first entry is the oldest.
  const keys = new Map<string, Entry>();
  let last = 0;
  let changed = false;
  const drop = (key: string, e: Entry) => {
    if (e.writes === 0 && e.owned === undefined) keys.delete(key);
  };
  return {
    stamp() {
      last = Math.max(last, now());
      return last;
    },
    begin(key, at) {
      const e = keys.get(key);
      if (e) e.writes++;
      else keys.set(key, { at, writes: 1, owned: undefined });
      changed = true;
    },
    end(key) {
      const e = keys.get(key);
      if (!e) return;
      e.writes--;
      drop(key, e);
    },
    open(key, at) {
      const e = keys.get(key);
      // Opened again (a withdrawal of an open claim): it keeps its stamp.
      if (!e) keys.set(key, { at, writes: 0, owned: at });
      else if (e.owned === undefined) e.owned = at;
      changed = true;
    },
    close(key) {
      const e = keys.get(key);
      if (!e || e.owned === undefined) return;
      e.owned = undefined;
      changed = true;
      drop(key, e);
    },
    has: (key) => keys.has(key),
    openedAt: (key) => keys.get(key)?.owned,
    settledMark() {
      for (const e of keys.values()) return e.at - 1;
      return this.stamp();
    },
    get changed() {
      return changed;
    },
    markTaken() {
      changed = false;
    },
    get size() {
      return keys.size;
    },
  };
}
