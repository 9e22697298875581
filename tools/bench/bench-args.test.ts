import { describe, expect, it } from 'vitest';
import { BENCH_OPTIONS, BENCH_USAGE, parseBenchArgs } from './bench-args.js';
import { LOADGEN_OPTIONS, LOADGEN_USAGE, parseLoadgenArgs } from '../loadgen/loadgen-args.js';

describe('bench flags', () => {
  it('documents every flag in --help', () => {
    for (const flag of Object.keys(BENCH_OPTIONS)) expect(BENCH_USAGE, flag).toContain(`--${flag}`);
    for (const flag of Object.keys(LOADGEN_OPTIONS)) expect(LOADGEN_USAGE, flag).toContain(`--${flag}`);
  });

  it('has the issue defaults', () => {
    const r = parseBenchArgs([], {});
    expect(r.kind).toBe('run');
    if (r.kind !== 'run') return;
    expect(r.options).toMatchObject({
      layouts: ['all'],
      binds: 4,
      window: 100,
      tps: 5000,
      rates: [500, 1000, 2000],
      durationS: 30,
      kannel: 'auto',
      kannelBinds: 1,
      kannelWindow: 100,
      kannelDlr: 'pgsql',
      p99LimitMs: 50,
      pgUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      backgroundNice: 0,
      roleSessions: false,
      nodeFlags: [],
      bindWindows: [1, 10],
    });
  });

  it('measures one bind at the windows --bind-windows names, none at none, and refuses a window SMPP cannot have', () => {
    const r = parseBenchArgs(['--bind-windows', '1, 4,1'], {});
    expect(r.kind === 'run' && r.options.bindWindows).toEqual([1, 4]);
    const none = parseBenchArgs(['--bind-windows', 'none'], {});
    expect(none.kind === 'run' && none.options.bindWindows).toEqual([]);
    for (const bad of ['0', '1,x', '2.5', '1001', '']) {
      const e = parseBenchArgs(['--bind-windows', bad], {});
      expect(e.kind === 'error' && e.message, bad).toMatch(/--bind-windows takes SMPP windows from 1 to 1000/);
    }
  });

  it('passes --node-flags to the gateway processes as separate flags and refuses anything that is not a flag', () => {
    const r = parseBenchArgs(['--node-flags=--max-semi-space-size=32  --max-old-space-size=512'], {});
    expect(r.kind === 'run' && r.options.nodeFlags).toEqual(['--max-semi-space-size=32', '--max-old-space-size=512']);
    const bad = parseBenchArgs(['--node-flags=--a=1 b'], {});
    expect(bad.kind === 'error' && bad.message).toMatch(/"b" is not a flag/);
  });

  it('--role-sessions starts each split-layout process in a session of its own', () => {
    const r = parseBenchArgs(['--layout', 'split', '--background-nice', '10', '--role-sessions'], {});
    expect(r.kind === 'run' && [r.options.roleSessions, r.options.backgroundNice]).toEqual([true, 10]);
  });

  it('--perf samples with Linux perf, and not together with --profile', () => {
    const r = parseBenchArgs(['--perf'], {});
    expect(r.kind === 'run' && [r.options.perf, r.options.profile]).toEqual([true, false]);
    const none = parseBenchArgs([], {});
    expect(none.kind === 'run' && none.options.perf).toBe(false);
    const both = parseBenchArgs(['--perf', '--profile'], {});
    expect(both.kind === 'error' && both.message).toMatch(/--perf and --profile/);
  });

  it('--quick is a 10-second smoke run unless told otherwise', () => {
    const r = parseBenchArgs(['--quick'], {});
    expect(r.kind === 'run' && r.options).toMatchObject({ quick: true, rates: [500], durationS: 10 });
    const r2 = parseBenchArgs(['--quick', '--rates', '200,300', '--duration', '5'], {});
    expect(r2.kind === 'run' && r2.options).toMatchObject({ rates: [200, 300], durationS: 5, ratesGiven: true });
  });

  it('parses modes and layouts', () => {
    const r = parseBenchArgs(['--layout', 'all,split', '--edges', '3', '--find-max', '--start-rate', '1000', '--step', '250', '--soak', '2', '--backlog', '5000'], {
      BENCH_DATABASE_URL: 'postgres://u@h:5433/x',
    });
    expect(r.kind === 'run' && r.options).toMatchObject({
      layouts: ['all', 'split'],
      edges: 3,
      findMax: true,
      startRate: 1000,
      step: 250,
      soakMinutes: 2,
      backlog: 5000,
      dbPollMs: 10_000,
      pgUrl: 'postgres://u@h:5433/x',
    });
  });

  it('reports bad input as a value naming the flag', () => {
    expect(parseBenchArgs(['--rates', '500,abc'], {})).toMatchObject({ kind: 'error', message: expect.stringContaining('--rates') });
    expect(parseBenchArgs(['--layout', 'cluster'], {})).toMatchObject({ kind: 'error', message: expect.stringContaining('--layout') });
    expect(parseBenchArgs(['--binds', '0'], {})).toMatchObject({ kind: 'error', message: expect.stringContaining('--binds') });
    expect(parseBenchArgs(['--kannel', 'maybe'], {})).toMatchObject({ kind: 'error' });
    expect(parseBenchArgs(['--kannel-dlr', 'redis'], {})).toMatchObject({ kind: 'error', message: expect.stringContaining('pgsql or internal') });
    const internal = parseBenchArgs(['--kannel-dlr', 'internal'], {});
    expect(internal.kind === 'run' && internal.options.kannelDlr).toBe('internal');
    expect(parseBenchArgs(['--nope'], {})).toMatchObject({ kind: 'error' });
    expect(parseBenchArgs(['--background-nice', '-5'], {})).toMatchObject({ kind: 'error', message: expect.stringContaining('--background-nice') });
    expect(parseBenchArgs(['--help'], {})).toEqual({ kind: 'help' });
  });
});

describe('loadgen flags', () => {
  it('needs an API key for smsmesh, from the flag or $API_KEY', () => {
    expect(parseLoadgenArgs([], {})).toMatchObject({ kind: 'error', message: expect.stringContaining('--api-key') });
    const r = parseLoadgenArgs(['--url', 'http://127.0.0.1:1', '--url', 'http://127.0.0.1:2', '--rate', '300'], { API_KEY: 'k' });
    expect(r.kind === 'run' && r.options).toMatchObject({ apiKey: 'k', urls: ['http://127.0.0.1:1', 'http://127.0.0.1:2'], rate: 300, durationS: 30, workers: 1 });
  });

  it('checks the Kannel target has what it needs', () => {
    expect(parseLoadgenArgs(['--target', 'kannel'], {})).toMatchObject({ kind: 'error', message: expect.stringContaining('--kannel-user') });
    expect(parseLoadgenArgs(['--url', 'https://x'], { API_KEY: 'k' })).toMatchObject({ kind: 'error', message: expect.stringContaining('http://') });
  });
});
