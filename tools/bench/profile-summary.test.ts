import { describe, expect, it } from 'vitest';
import { formatProfileSummary, moduleOf, shortUrl, summarizeProfile, type CpuProfile } from './profile-summary.js';

const frame = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber, columnNumber: 0 });

const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 6, 7] },
    { id: 2, callFrame: frame('(idle)') },
    { id: 3, callFrame: frame('handle', 'file:///repo/dist/internal/api/routes/messages.js', 10), children: [4, 5] },
    { id: 4, callFrame: frame('parse', 'file:///repo/node_modules/hono/dist/x.js', 4) },
    { id: 5, callFrame: frame('handle', 'file:///repo/dist/internal/api/routes/messages.js', 10) },
    { id: 6, callFrame: frame('(garbage collector)') },
    { id: 7, callFrame: frame('writev', 'node:internal/stream_base_commons', 120) },
  ],
  startTime: 0,
  endTime: 1000,
  // Each sample lasts until the next one: deltas are the gaps before each sample.
  samples: [2, 3, 4, 5, 6, 7, 2],
  timeDeltas: [0, 100, 100, 200, 100, 50, 450],
};

describe('summarizeProfile', () => {
  const s = summarizeProfile(profile, { root: '/repo' });

  it('attributes self time per function, merging nodes of the same function', () => {
    expect(s.idleMs).toBe(0.1);
    expect(s.busyMs).toBe(0.9);
    expect(s.gcMs).toBe(0.05);
    expect(s.top[0]).toMatchObject({ name: 'writev', selfMs: 0.45, pct: 50 });
    expect(s.top.find((f) => f.name === 'parse')).toEqual({ name: 'parse', location: 'node_modules/hono/dist/x.js:5', selfMs: 0.2, pct: 22.2 });
    // handle: 100 µs as node 3 + 100 µs as node 5
    expect(s.top.find((f) => f.name === 'handle')).toMatchObject({ location: 'dist/internal/api/routes/messages.js:11', selfMs: 0.2 });
    expect(s.top.find((f) => f.name === '(idle)')).toBeUndefined();
  });

  it('groups by module', () => {
    const mods = Object.fromEntries(s.byModule.map((m) => [m.module, m.selfMs]));
    expect(mods).toMatchObject({ hono: 0.2, 'smsmesh internal/api': 0.2, 'node (internals)': 0.45, '(garbage collector)': 0.05 });
  });

  it('formats a readable block', () => {
    const text = formatProfileSummary('smsmesh', s);
    expect(text).toContain('smsmesh: 0.9 ms busy');
    expect(text).toContain('parse');
    expect(text).not.toContain('by /proc');
  });

  it('sets the CPU time by /proc beside busy time, and says when waits for a core inflate the busy time', () => {
    const waited = formatProfileSummary('edge', { ...s, mainCpuMs: 0.45 });
    expect(waited).toContain('0.9 ms busy of');
    expect(waited).toContain('main thread 0 ms of CPU by /proc');
    expect(waited).toMatch(/busy is 2\.0× the CPU time/);
    const ran = formatProfileSummary('edge', { ...s, busyMs: 1000, mainCpuMs: 950 });
    expect(ran).toContain('main thread 950 ms of CPU by /proc');
    expect(ran).not.toContain('× the CPU time');
  });
});

describe('callers of native time', () => {
  it('names the nearest application frame under a native or node: function', () => {
    const p: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2] },
        { id: 2, callFrame: frame('publish', 'file:///r/node_modules/@nats-io/nats-core/lib/nats.js', 9), children: [3] },
        { id: 3, callFrame: frame('writeGeneric', 'node:internal/stream_base_commons', 1), children: [4] },
        { id: 4, callFrame: frame('writeBuffer') },
      ],
      startTime: 0,
      endTime: 100,
      samples: [4, 4, 2],
      timeDeltas: [0, 10, 10],
    };
    const s = summarizeProfile(p);
    expect(s.top[0]).toMatchObject({ name: 'writeBuffer', location: '', via: 'publish node_modules/@nats-io/nats-core/lib/nats.js:10 (100%)' });
    expect(formatProfileSummary('x', s)).toContain('writeBuffer');
  });
});

describe('locations', () => {
  it('shortens urls and names modules', () => {
    expect(shortUrl('file:///a/b/node_modules/@nats-io/jetstream/lib/x.js')).toBe('node_modules/@nats-io/jetstream/lib/x.js');
    expect(shortUrl('file:///work/main/dist/internal/bus/publisher.js', '/work/main')).toBe('dist/internal/bus/publisher.js');
    expect(moduleOf('f', 'node_modules/@nats-io/jetstream/lib/x.js')).toBe('@nats-io/jetstream');
    expect(moduleOf('f', 'dist/internal/smpp/session.js')).toBe('smsmesh internal/smpp');
    expect(moduleOf('(program)', '')).toBe('(program)');
    expect(moduleOf('f', 'node:net')).toBe('node (internals)');
  });
});
