/**
 * Per-sender pacing (a carrier's `senderTps` rules, e.g. long codes at 1 message/s): gives each message from a
 * matching sender its turn on that sender's schedule, so such messages are spaced, never rejected. Pure: time is
 * passed in. One pacer per carrier per process; its rates are the rule's rate times this process's share of the
 * carrier's sending binds, so the processes together stay within the rule.
 *
 * A message whose turn is later is told how long to wait and keeps its turn (by message id): when it comes back
 * (held in the bind, or redelivered by JetStream after a delayed nak) it goes at once instead of queueing again,
 * unless the sender's last message went less than an interval ago. Turns only order the messages; that spacing is
 * what the rule is about: redeliveries come back late, and two late ones in one fetch would otherwise both go at once.
 */

export interface SenderRule {
  /** An exact sender, or a regular expression when it starts with "^". */
  sender: string;
  tps: number;
}

export interface SenderPacer {
  /** Milliseconds until the message may be sent (0 = now); a later turn is reserved for it. */
  admit(from: string, id: string, now: number): number;
  /** The message was given back to JetStream to wait for its turn (a delivery that is not an attempt). */
  delayed(id: string): void;
  /** How many of the message's deliveries were only waits for its turn (its attempts are the rest). */
  waits(id: string): number;
  /** This process's share of the carrier's sending binds (1 when it is alone or uncoordinated). */
  setShare(share: number): void;
}

interface Turn {
  due: number;
  waits: number;
}

/** Turns kept at most (message ids, ~100 B each); the oldest are forgotten first. */
const MAX_TURNS = 100_000;
/**
 * A message back this much before its turn still goes. Timers and delayed redeliveries fire at or after their time,
 * and one early by a millisecond is just held that long, so none: early sends are what would break the rule.
 */
const EARLY_MS = 0;
const USED = -Infinity;

export function compileSenderRules(rules: readonly SenderRule[]): ((from: string) => { index: number; tps: number } | undefined) {
  const compiled = rules.map((r, index) => {
    const re = r.sender.startsWith('^') ? new RegExp(r.sender) : undefined;
    return { index, tps: r.tps, test: re ? (s: string) => re.test(s) : (s: string) => s === r.sender };
  });
  return (from) => {
    const hit = compiled.find((c) => c.test(from));
    return hit && { index: hit.index, tps: hit.tps };
  };
}

export function createSenderPacer(rules: readonly SenderRule[]): SenderPacer {
  const match = compileSenderRules(rules);
  const next = new Map<string, number>();
  /** When each sender's last message was let go. */
  const last = new Map<string, number>();
  const turns = new Map<string, Turn>();
  let share = 1;

  function remember(id: string, t: Turn): void {
    turns.delete(id);
    turns.set(id, t);
    if (turns.size > MAX_TURNS) turns.delete(turns.keys().next().value!);
  }

  function prune(now: number): void {
    if (next.size < 10_000) return;
    for (const [k, at] of next) {
      if (at >= now - 60_000) continue;
      next.delete(k);
      last.delete(k);
    }
  }

  return {
    admit(from, id, now) {
      const rule = match(from);
      if (!rule) return 0;
      // The rule's rate, per sender, of which this process sends its share.
      const interval = 1000 / (rule.tps * Math.max(share, 1e-3));
      const k = `${rule.index}\u0000${from}`;
      const spaced = (last.get(k) ?? -Infinity) + interval;
      const turn = turns.get(id);
      // A used turn (due −∞) only carries the count of waits: a retry of the message queues again.
      if (turn && turn.due !== USED) {
        const at = Math.max(turn.due - EARLY_MS, spaced);
        if (now < at) return at - now;
        remember(id, { due: USED, waits: turn.waits });
        last.set(k, now);
        return 0;
      }
      const due = Math.max(now, next.get(k) ?? now, spaced);
      next.set(k, due + interval);
      prune(now);
      if (due <= now) {
        last.set(k, now);
        return 0;
      }
      remember(id, { due, waits: turn?.waits ?? 0 });
      return due - now;
    },
    delayed(id) {
      const t = turns.get(id);
      if (t) t.waits++;
    },
    waits: (id) => turns.get(id)?.waits ?? 0,
    setShare(s) {
      share = s > 0 ? Math.min(1, s) : 1;
    },
  };
}
