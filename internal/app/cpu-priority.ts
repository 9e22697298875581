/**
 * Where this process's CPU priority is set so that it counts against the other roles on the machine.
 *
 * Linux weighs CPU between groups before it weighs processes within one. With autogroups on (Debian's and Ubuntu's
 * kernels: /proc/sys/kernel/sched_autogroup_enabled), every session is such a group, and a process's nice value
 * (setpriority) counts only against processes of its own session. systemd starts every service in a session of its
 * own, so a connector unit at nice 10 still got as much CPU as the edge unit beside it. A process that leads its own
 * session is the only member of its autogroup (with whatever it started), so there it sets the autogroup's nice
 * value (/proc/self/autogroup, sched(7)), which is what the scheduler weighs between sessions. Lowering that value
 * back to 0 or more needs no privilege either, so a governed unit can go back up without LimitNICE=.
 *
 * A process started from a shell, npm or the bench shares its session (and so its autogroup) with its siblings:
 * there the nice value of the process is what separates them, as before. Where the CPU controller of cgroups
 * groups processes (containers, a systemd unit with CPUWeight=), neither counts between groups: weights do.
 *
 * A nice value belongs to a thread, not to the process: setpriority on the pid moves the main thread only, and V8's
 * helpers (concurrent compiling and garbage collection, started before any of our code runs) would stay at the
 * priority the process started with. The process scope therefore sets every thread of the process. Threads started
 * later take the priority of the thread that starts them.
 *
 * A process that never left the machine's first session (PID 1's, as a job started by an init without setsid) is in
 * the root group, which is no autogroup: its /proc/<pid>/autogroup is empty and has no nice value to set.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The process's own nice value, or its session's autogroup. */
export type PriorityScope = 'process' | 'session';

export interface CpuPriority {
  scope: PriorityScope;
  /** The nice value in force now, in this scope. */
  current(): number;
  /** Throws when the kernel refuses (raising priority without the right to; a malformed value). */
  set(nice: number): void;
}

export interface ProcFiles {
  read(path: string): string;
  write(path: string, text: string): void;
  list(dir: string): string[];
}

const realProc: ProcFiles = {
  read: (path) => readFileSync(path, 'utf8'),
  write: (path, text) => writeFileSync(path, text),
  list: (dir) => readdirSync(dir),
};

/** The nice value of one thread (or process), as setpriority(2) reads and sets it on Linux. */
export interface ThreadPriorities {
  get(tid: number): number;
  set(tid: number, nice: number): void;
}

const realThreads: ThreadPriorities = {
  get: (tid) => getPriority(tid),
  set: (tid, nice) => setPriority(tid, nice),
};

/** The ids of the process's threads (/proc/<pid>/task); the main thread's id is the pid. */
export function threadIdsOf(pid: number | 'self', proc: ProcFiles = realProc): number[] {
  return proc
    .list(`/proc/${pid}/task`)
    .map(Number)
    .filter((tid) => Number.isInteger(tid) && tid > 0);
}

/** The errno name of a refused priority change: node:fs gives it as `code`, node:os wraps it (info.code). */
export function errnoOf(err: unknown): string | undefined {
  const e = err as { code?: unknown; info?: { code?: unknown } };
  const code = e?.info?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Sets the main thread first, so that a refusal (raising priority without the right to) throws before any helper
 * moves; then every other thread. A thread that ended meanwhile (ESRCH) needs nothing.
 */
function setEveryThread(pid: number, nice: number, proc: ProcFiles = realProc, threads: ThreadPriorities = realThreads): void {
  threads.set(pid, nice);
  for (const tid of threadIdsOf('self', proc)) {
    if (tid === pid) continue;
    try {
      threads.set(tid, nice);
    } catch (err) {
      if (errnoOf(err) !== 'ESRCH') throw err;
    }
  }
}

/** The nice value in /proc/<pid>/autogroup ("/autogroup-25 nice 0"), or undefined when it is not in that form. */
export function parseAutogroupNice(text: string): number | undefined {
  const m = /^\/autogroup-\d+ nice (-?\d+)\s*$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The session id in /proc/<pid>/stat: the 6th field, counted after the command name, which may hold spaces and parentheses. */
export function parseSessionId(stat: string): number | undefined {
  const end = stat.lastIndexOf(')');
  if (end < 0) return undefined;
  const fields = stat.slice(end + 2).split(' ');
  // After the name: state, ppid, pgrp, session.
  const sid = Number(fields[3]);
  return Number.isInteger(sid) ? sid : undefined;
}

/** The session's autogroup when autogroups are on and this process leads its own session; else the process. */
export function choosePriorityScope(autogroupsOn: boolean, sessionId: number | undefined, pid: number, autogroupNice: number | undefined): PriorityScope {
  return autogroupsOn && sessionId === pid && autogroupNice !== undefined ? 'session' : 'process';
}

/**
 * The nice value of a process's autogroup; undefined where it has none: a kernel without autogroups, or a process in
 * the root group (an empty file).
 */
export function autogroupNiceOf(pid: number | 'self', proc: ProcFiles = realProc): number | undefined {
  return attempt(() => parseAutogroupNice(proc.read(`/proc/${pid}/autogroup`)));
}

/** A read of /proc that may be absent (a kernel without autogroups, a /proc mounted otherwise). */
function attempt<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

/** Whether the kernel groups CPU time by session (sched_autogroup_enabled is 1). */
export function autogroupsEnabled(proc: ProcFiles = realProc): boolean {
  return attempt(() => proc.read('/proc/sys/kernel/sched_autogroup_enabled').trim() === '1') ?? false;
}

export function cpuPriority(proc: ProcFiles = realProc, pid = process.pid, threads: ThreadPriorities = realThreads): CpuPriority {
  const autogroupsOn = autogroupsEnabled(proc);
  const sessionId = attempt(() => parseSessionId(proc.read('/proc/self/stat')));
  const readAutogroup = () => autogroupNiceOf('self', proc);
  const scope = choosePriorityScope(autogroupsOn, sessionId, pid, autogroupsOn ? readAutogroup() : undefined);
  if (scope === 'process') return { scope, current: () => threads.get(pid), set: (nice) => setEveryThread(pid, nice, proc, threads) };
  return {
    scope,
    current: () => readAutogroup() ?? 0,
    set: (nice) => proc.write('/proc/self/autogroup', String(nice)),
  };
}
