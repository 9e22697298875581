import { describe, expect, it } from 'vitest';
import { noopLogger } from '../log/logger.js';
import { startBacklogGuard } from './backlog-guard.js';

function fakeJsm(state: { bytes: number; max: number }) {
  return { streams: { info: async () => ({ config: { max_bytes: state.max }, state: { bytes: state.bytes } }) } } as never;
}

const settle = () => new Promise((r) => setTimeout(r, 30));

describe('backlog guard', () => {
  it('refuses from 95 % of max_bytes, counting what this edge stored since the last reading, and accepts again once it drains', async () => {
    const state = { bytes: 900, max: 1000 };
    const g = startBacklogGuard({ jsm: fakeJsm(state), stream: 'SMS_MT', everyMs: 10_000, log: noopLogger });
    await settle();
    expect(g.full()).toBe(false);
    g.stored(49);
    expect(g.full()).toBe(false); // 949 < 950
    g.stored(1);
    expect(g.full()).toBe(true); // 950: the threshold
    g.stop();
    state.bytes = 100;
    const again = startBacklogGuard({ jsm: fakeJsm(state), stream: 'SMS_MT', everyMs: 10_000, log: noopLogger });
    await settle();
    expect(again.full()).toBe(false);
    again.stop();
  });

  it('never refuses a stream without a byte limit', async () => {
    const g = startBacklogGuard({ jsm: fakeJsm({ bytes: 1e12, max: -1 }), stream: 'SMS_MT', everyMs: 10_000, log: noopLogger });
    await settle();
    g.stored(1e12);
    expect(g.full()).toBe(false);
    g.stop();
  });
});
