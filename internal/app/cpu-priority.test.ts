import { describe, expect, it } from 'vitest';
import { autogroupNiceOf, choosePriorityScope, cpuPriority, parseAutogroupNice, parseSessionId, type ProcFiles } from './cpu-priority.js';

describe('parseAutogroupNice', () => {
  it('reads the nice value of /proc/<pid>/autogroup', () => {
    expect(parseAutogroupNice('/autogroup-85 nice 0\n')).toBe(0);
    expect(parseAutogroupNice('/autogroup-3 nice 10\n')).toBe(10);
    expect(parseAutogroupNice('/autogroup-3 nice -5')).toBe(-5);
  });

  it('gives undefined for anything else', () => {
    expect(parseAutogroupNice('')).toBeUndefined();
    expect(parseAutogroupNice('nice 0')).toBeUndefined();
    expect(parseAutogroupNice('/autogroup-3 nice ten')).toBeUndefined();
  });
});

describe('parseSessionId', () => {
  it('reads the session after the command name', () => {
    expect(parseSessionId('10778 (cat) R 10776 10776 4352 0 -1 4194304 99 0')).toBe(4352);
  });

  it('is not misled by spaces and parentheses in the name', () => {
    expect(parseSessionId('77 (node (x) y) S 1 77 77 0 -1')).toBe(77);
  });

  it('gives undefined for a line it cannot read', () => {
    expect(parseSessionId('garbage')).toBeUndefined();
  });
});

describe('choosePriorityScope', () => {
  it('sets the session autogroup only for a session leader with autogroups on', () => {
    expect(choosePriorityScope(true, 42, 42, 0)).toBe('session');
    expect(choosePriorityScope(true, 7, 42, 0)).toBe('process');
    expect(choosePriorityScope(false, 42, 42, 0)).toBe('process');
    expect(choosePriorityScope(true, 42, 42, undefined)).toBe('process');
    expect(choosePriorityScope(true, undefined, 42, 0)).toBe('process');
  });
});

function fakeProc(files: Record<string, string>): ProcFiles & { writes: [string, string][] } {
  const writes: [string, string][] = [];
  return {
    writes,
    read(path) {
      const v = files[path];
      if (v === undefined) throw new Error(`ENOENT: ${path}`);
      return v;
    },
    write(path, text) {
      writes.push([path, text]);
      files[path] = `/autogroup-9 nice ${text}\n`;
    },
  };
}

describe('cpuPriority', () => {
  const leader = {
    '/proc/sys/kernel/sched_autogroup_enabled': '1\n',
    '/proc/self/stat': '42 (node) S 1 42 42 0 -1',
    '/proc/self/autogroup': '/autogroup-9 nice 0\n',
  };

  it('a session leader sets and reads its autogroup', () => {
    const proc = fakeProc({ ...leader });
    const p = cpuPriority(proc, 42);
    expect(p.scope).toBe('session');
    expect(p.current()).toBe(0);
    p.set(10);
    expect(proc.writes).toEqual([['/proc/self/autogroup', '10']]);
    expect(p.current()).toBe(10);
  });

  it('a process in another session, or without autogroups, uses its own nice value', () => {
    expect(cpuPriority(fakeProc({ ...leader }), 43).scope).toBe('process');
    expect(cpuPriority(fakeProc({ ...leader, '/proc/sys/kernel/sched_autogroup_enabled': '0\n' }), 42).scope).toBe('process');
    const { '/proc/self/autogroup': _gone, ...noAutogroupFile } = leader;
    expect(cpuPriority(fakeProc(noAutogroupFile), 42).scope).toBe('process');
    expect(cpuPriority(fakeProc({}), 42).scope).toBe('process');
  });

  it('a process in the root group (an empty autogroup file) uses its own nice value', () => {
    const rootGroup = { ...leader, '/proc/self/autogroup': '' };
    expect(autogroupNiceOf('self', fakeProc(rootGroup))).toBeUndefined();
    expect(cpuPriority(fakeProc(rootGroup), 42).scope).toBe('process');
  });
});

describe('autogroupNiceOf', () => {
  it('reads the autogroup of the given process', () => {
    expect(autogroupNiceOf(7, fakeProc({ '/proc/7/autogroup': '/autogroup-3 nice 5\n' }))).toBe(5);
    expect(autogroupNiceOf(8, fakeProc({ '/proc/7/autogroup': '/autogroup-3 nice 5\n' }))).toBeUndefined();
  });
});
