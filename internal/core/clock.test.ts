import { describe, expect, it } from 'vitest';
import { fakeClock, sleep } from './clock.js';

describe('fakeClock', () => {
  it('fires due timers in time order, then in the order they were set, and none early', () => {
    const c = fakeClock(1000);
    const fired: string[] = [];
    c.setTimer(30, () => fired.push('c@30'));
    c.setTimer(10, () => fired.push('a@10'));
    c.setTimer(10, () => fired.push('b@10'));
    c.advance(9);
    expect(fired).toEqual([]);
    c.advance(1);
    expect(fired).toEqual(['a@10', 'b@10']);
    c.advance(100);
    expect(fired).toEqual(['a@10', 'b@10', 'c@30']);
    expect(c.now()).toBe(1110);
  });

  it('shows the time of its own timer to a callback, and runs timers set by callbacks when they fall due', () => {
    const c = fakeClock();
    const seen: number[] = [];
    c.setTimer(5, () => {
      seen.push(c.now());
      c.setTimer(5, () => seen.push(c.now()));
    });
    c.advance(20);
    expect(seen).toEqual([5, 10]);
  });

  it('cancels', () => {
    const c = fakeClock();
    let n = 0;
    const cancel = c.setTimer(1, () => n++);
    cancel();
    cancel();
    c.advance(10);
    expect(n).toBe(0);
    expect(c.pending()).toBe(0);
  });

  it('lets awaiting code make progress between steps with advanceAsync', async () => {
    const c = fakeClock();
    const log: number[] = [];
    void (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(c, 10);
        log.push(c.now());
      }
    })();
    await c.advanceAsync(35, 5);
    expect(log).toEqual([10, 20, 30]);
  });
});
