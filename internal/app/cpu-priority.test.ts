import { describe, expect, it } from 'vitest';
import { autogroupNiceOf, choosePriorityScope, cpuPriority, parseAutogroupNice, parseSessionId, threadIdsOf, type ProcFiles, type ThreadPriorities } from './cpu-priority.js';

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
    list(dir) {
      const v = files[dir];
      if (v === undefined) throw new Error(`ENOENT: ${dir}`);
      return v.split(' ');
    },
  };
}

/** Threads' nice values; a thread in `gone` has ended (ESRCH), and `refuse` refuses every change as the kernel does. */
function fakeThreads(nices: Record<number, number>, opts: { gone?: number[]; refuse?: boolean } = {}): ThreadPriorities & { sets: [number, number][] } {
  const sets: [number, number][] = [];
  const fail = (code: string) => Object.assign(new Error(`A system error occurred: uv_os_setpriority returned ${code}`), { code: 'ERR_SYSTEM_ERROR', info: { code } });
  return {
    sets,
    get: (tid) => nices[tid]!,
    set(tid, nice) {
      if (opts.gone?.includes(tid)) throw fail('ESRCH');
      if (opts.refuse) throw fail('EACCES');
      sets.push([tid, nice]);
      nices[tid] = nice;
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

describe('the process scope', () => {
  const inSession = { '/proc/sys/kernel/sched_autogroup_enabled': '1\n', '/proc/self/stat': '42 (node) S 1 40 40 0 -1', '/proc/self/task': '42 43 44' };

  it('sets every thread, the main one first, and reads the main one', () => {
    const threads = fakeThreads({ 42: 0, 43: 0, 44: 0 });
    const p = cpuPriority(fakeProc({ ...inSession }), 42, threads);
    expect(p.scope).toBe('process');
    p.set(10);
    expect(threads.sets).toEqual([[42, 10], [43, 10], [44, 10]]);
    expect(p.current()).toBe(10);
  });

  it('passes over a thread that ended meanwhile', () => {
    const threads = fakeThreads({ 42: 0, 43: 0, 44: 0 }, { gone: [43] });
    cpuPriority(fakeProc({ ...inSession }), 42, threads).set(10);
    expect(threads.sets).toEqual([[42, 10], [44, 10]]);
  });

  it('moves no thread when the kernel refuses the main one', () => {
    const threads = fakeThreads({ 42: 10, 43: 10, 44: 10 }, { refuse: true });
    expect(() => cpuPriority(fakeProc({ ...inSession }), 42, threads).set(0)).toThrow(/EACCES/);
    expect(threads.sets).toEqual([]);
  });

  it('reads thread ids and nothing else from the task directory', () => {
    expect(threadIdsOf(7, fakeProc({ '/proc/7/task': '7 9 x' }))).toEqual([7, 9]);
  });
});

describe('autogroupNiceOf', () => {
  it('reads the autogroup of the given process', () => {
    expect(autogroupNiceOf(7, fakeProc({ '/proc/7/autogroup': '/autogroup-3 nice 5\n' }))).toBe(5);
    expect(autogroupNiceOf(8, fakeProc({ '/proc/7/autogroup': '/autogroup-3 nice 5\n' }))).toBeUndefined();
  });
});
