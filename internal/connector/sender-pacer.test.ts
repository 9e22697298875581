import { describe, expect, it } from 'vitest';
import { compileSenderRules, createSenderPacer } from './sender-pacer.js';

describe('sender rules', () => {
  it('match exactly, or as a regular expression when the rule starts with "^"; first rule wins', () => {
    const match = compileSenderRules([
      { sender: 'ACME', tps: 5 },
      { sender: '^\\+?1\\d{10}$', tps: 1 },
      { sender: '^\\+1', tps: 3 },
    ]);
    expect(match('ACME')).toEqual({ index: 0, tps: 5 });
    expect(match('ACMEX')).toBeUndefined();
    expect(match('+15550001111')).toEqual({ index: 1, tps: 1 });
    expect(match('15550001111')).toEqual({ index: 1, tps: 1 });
    expect(match('+1555')).toEqual({ index: 2, tps: 3 });
  });
});

describe('sender pacer', () => {
  it('lets an unmatched sender through at once', () => {
    const p = createSenderPacer([{ sender: '^\\+1', tps: 1 }]);
    for (let i = 0; i < 100; i++) expect(p.admit('+44700', `m${i}`, 0)).toBe(0);
  });

  it('spaces one matching sender at its rate, each message keeping its turn', () => {
    const p = createSenderPacer([{ sender: '^\\+1', tps: 2 }]);
    expect(p.admit('+1555', 'a', 0)).toBe(0);
    expect(p.admit('+1555', 'b', 0)).toBe(500);
    expect(p.admit('+1555', 'c', 0)).toBe(1000);
    // b comes back early: still waits for its own turn, and does not take a new one behind c.
    expect(p.admit('+1555', 'b', 300)).toBe(200);
    expect(p.admit('+1555', 'b', 500)).toBe(0);
    expect(p.admit('+1555', 'c', 1000)).toBe(0);
    // The next new message queues after c.
    expect(p.admit('+1555', 'd', 1000)).toBe(500);
  });

  it('keeps the spacing when messages come back after their turns: two late ones in the same moment go an interval apart', () => {
    const p = createSenderPacer([{ sender: 'LONG', tps: 2 }]);
    expect(p.admit('LONG', 'a', 0)).toBe(0);
    expect(p.admit('LONG', 'b', 0)).toBe(500);
    expect(p.admit('LONG', 'c', 0)).toBe(1000);
    // b and c were given back to JetStream and both come back in one fetch, well after their turns.
    expect(p.admit('LONG', 'b', 1400)).toBe(0);
    expect(p.admit('LONG', 'c', 1400)).toBe(500);
    expect(p.admit('LONG', 'c', 1900)).toBe(0);
    // A new message waits an interval after c, not only for its slot in the schedule.
    expect(p.admit('LONG', 'd', 1900)).toBe(500);
  });

  it('paces each sender of a pattern on its own schedule', () => {
    const p = createSenderPacer([{ sender: '^\\+1', tps: 1 }]);
    expect(p.admit('+1555', 'a', 0)).toBe(0);
    expect(p.admit('+1666', 'b', 0)).toBe(0);
    expect(p.admit('+1555', 'c', 0)).toBe(1000);
  });

  it('over any stretch sends no more than the rule allows', () => {
    const p = createSenderPacer([{ sender: 'LONG', tps: 1 }]);
    let sent = 0;
    const waiting = new Map<string, number>();
    for (let t = 0, n = 0; t < 10_000; t += 50) {
      // Three new messages every 50 ms, far above the rate; each retried when its wait is over.
      for (let k = 0; k < 3; k++) {
        const id = `m${n++}`;
        const w = p.admit('LONG', id, t);
        if (w === 0) sent++;
        else waiting.set(id, t + w);
      }
      for (const [id, at] of waiting) {
        if (at > t) continue;
        waiting.delete(id);
        if (p.admit('LONG', id, t) === 0) sent++;
        else throw new Error(`${id} refused at its turn`);
      }
    }
    expect(sent).toBeLessThanOrEqual(10);
    expect(sent).toBeGreaterThanOrEqual(9);
  });

  it("with a process's share of the carrier's binds, its schedule is that share of the rule", () => {
    const p = createSenderPacer([{ sender: 'LONG', tps: 1 }]);
    p.setShare(0.5);
    expect(p.admit('LONG', 'a', 0)).toBe(0);
    expect(p.admit('LONG', 'b', 0)).toBe(2000);
  });

  it('counts the deliveries that were only waits, and a retry after use queues again', () => {
    const p = createSenderPacer([{ sender: 'LONG', tps: 1 }]);
    p.admit('LONG', 'a', 0);
    expect(p.admit('LONG', 'b', 0)).toBe(1000);
    p.delayed('b');
    expect(p.waits('b')).toBe(1);
    expect(p.admit('LONG', 'b', 1000)).toBe(0);
    expect(p.waits('b')).toBe(1);
    // Retried later (e.g. the SMSC answered a retryable error): a new turn, behind whatever is queued.
    expect(p.admit('LONG', 'b', 1100)).toBe(900);
  });
});
