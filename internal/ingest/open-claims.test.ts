import { describe, expect, it } from 'vitest';
import { createOpenClaims } from './open-claims.js';

describe('open claims', () => {
  it('puts the settled mark just before the oldest open claim, or at now when none is open', () => {
    let t = 100;
    const c = createOpenClaims(() => t);
    c.open('a', c.stamp());
    t = 110;
    c.open('b', c.stamp());
    expect(c.settledMark()).toBe(99);
    c.close('a');
    expect(c.settledMark()).toBe(109);
    c.close('b');
    t = 120;
    expect(c.settledMark()).toBe(120);
  });

  it('never stamps a claim earlier than the one before, when the wall clock steps back', () => {
    let t = 1000;
    const c = createOpenClaims(() => t);
    c.open('a', c.stamp());
    t = 400;
    const at = c.stamp();
    expect(at).toBe(1000);
    c.open('b', at);
    c.close('a');
    expect(c.settledMark()).toBe(999);
  });

  it('keeps a key opened again at its first stamp and place', () => {
    let t = 10;
    const c = createOpenClaims(() => t);
    c.open('a', c.stamp());
    t = 20;
    c.open('b', c.stamp());
    t = 30;
    c.open('a', c.stamp());
    expect(c.settledMark()).toBe(9);
    expect(c.openedAt('a')).toBe(10);
  });

  it('does not let the mark pass a claim whose write is under way', () => {
    let t = 50;
    const c = createOpenClaims(() => t);
    c.begin('w', c.stamp());
    expect(c.has('w')).toBe(true);
    t = 60;
    c.open('a', c.stamp());
    expect(c.settledMark()).toBe(49);
    c.end('w');
    expect(c.has('w')).toBe(false);
    expect(c.settledMark()).toBe(59);
    c.close('a');
    expect(c.settledMark()).toBe(60);
  });

  it('keeps a key while any write of it is under way or it is owned, and knows the stamp of the owned claim', () => {
    let t = 10;
    const c = createOpenClaims(() => t);
    c.begin('k', c.stamp());
    t = 20;
    c.begin('k', c.stamp());
    c.end('k'); // the first write lost (conflict): the second is still under way
    expect(c.has('k')).toBe(true);
    c.open('k', 20);
    c.end('k');
    expect(c.openedAt('k')).toBe(20);
    expect(c.settledMark()).toBe(9);
    c.close('k');
    expect(c.has('k')).toBe(false);
    expect(c.size).toBe(0);
  });

  it('says whether anything changed since the mark was last taken', () => {
    const c = createOpenClaims(() => 1);
    expect(c.changed).toBe(false);
    c.open('a', c.stamp());
    expect(c.changed).toBe(true);
    c.markTaken();
    c.close('nothing');
    expect(c.changed).toBe(false);
    c.close('a');
    expect(c.changed).toBe(true);
  });
});
