import { describe, expect, it } from 'vitest';
import { noopLogger } from '../log/logger.js';
import { startDrainCompleter, type CarrierControl, type CarrierState } from './carrier-control.js';

function fakeControl(initial: Record<string, CarrierState>) {
  const state = new Map(Object.entries(initial));
  let revision = 1;
  const control: CarrierControl = {
    get: async (c) => ({ state: state.get(c) ?? 'active', revision }),
    set: async (c, s) => {
      state.set(c, s);
      revision++;
    },
    finishDrain: async (c, rev) => {
      if (rev !== revision || state.get(c) !== 'draining') return false;
      state.set(c, 'paused');
      revision++;
      return true;
    },
  };
  return { control, state };
}

const tick = () => new Promise((r) => setTimeout(r, 30));

describe('drain completer', () => {
  it('turns a draining carrier paused once its backlog is empty, and leaves the others alone', async () => {
    const { control, state } = fakeControl({ a: 'draining', b: 'draining', c: 'active' });
    const backlog: Record<string, number> = { a: 3, b: 0, c: 0 };
    const draining = () => [...state].filter(([, s]) => s === 'draining').map(([c]) => c);
    const d = startDrainCompleter({ control, draining, backlog: async (c) => backlog[c]!, log: noopLogger, everyMs: 5 });
    try {
      await tick();
      expect(Object.fromEntries(state)).toEqual({ a: 'draining', b: 'paused', c: 'active' });
      backlog.a = 0;
      await tick();
      expect(state.get('a')).toBe('paused');
    } finally {
      d.stop();
    }
  });

  it('never overwrites a resume that came while it looked', async () => {
    const { control, state } = fakeControl({ a: 'draining' });
    const d = startDrainCompleter({
      control,
      draining: () => (state.get('a') === 'draining' ? ['a'] : []),
      // the operator resumes between the completer's read and its write
      backlog: async () => {
        await control.set('a', 'active', 'ops');
        return 0;
      },
      log: noopLogger,
      everyMs: 5,
    });
    try {
      await tick();
      expect(state.get('a')).toBe('active');
    } finally {
      d.stop();
    }
  });
});
