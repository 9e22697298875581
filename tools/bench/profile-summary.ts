/**
 * Reads V8 .cpuprofile files (node --cpu-prof) and tells where time went: self time per function (the time a
 * function was on top of the stack), summed over every node of the same function, plus self time per module
 * (a package in node_modules, a folder of smsmesh code, Node internals, GC).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
    hitCount?: number;
    children?: number[];
  }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  name: string;
  location: string;
  selfMs: number;
  /** Share of the busy (non-idle) time, %. */
  pct: number;
  /**
   * For a native or Node-internal function: the nearest caller in application code (a package or smsmesh)
   * that accounts for most of its time, and that share in %.
   */
  via?: string;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  idleMs: number;
  busyMs: number;
  gcMs: number;
  /**
   * The main thread's CPU time by /proc (user + system) from the process's start to the stop signal, when the bench
   * read it. V8 samples the main thread in wall time, so busyMs also counts the time it was ready to run but waiting
   * for a core.
   */
  mainCpuMs?: number;
  top: FunctionTime[];
  byModule: Array<{ module: string; selfMs: number; pct: number }>;
}

/** A short, stable location: node_modules/<pkg>/…, the path inside the repo, or node:… */
export function shortUrl(url: string, root?: string): string {
  let u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) return u.slice(nm + 1);
  if (root && u.startsWith(root)) u = u.slice(root.length).replace(/^\//, '');
  return u;
}

/** The module a location belongs to: an npm package, a folder of our code, Node itself, or V8's pseudo-frames. */
export function moduleOf(name: string, location: string): string {
  if (location === '') return name.startsWith('(') ? name : '(native)';
  if (location.startsWith('node:')) return 'node (internals)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(location);
  if (m) return m[1]!;
  const ours = /(?:^|\/)(?:dist\/)?(internal\/[^/]+|cmd)\//.exec(location);
  if (ours) return `smsmesh ${ours[1]}`;
  return location.split('/').slice(-2).join('/');
}

export function summarizeProfile(profile: CpuProfile, opts: { top?: number; root?: string; file?: string } = {}): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n] as const));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  /** The nearest frame up the stack in application code (not Node internals, not native). */
  const appCaller = (id: number): string | undefined => {
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
      const f = byId.get(p)?.callFrame;
      if (f && f.url && !f.url.startsWith('node:')) return `${f.functionName || '(anonymous)'} ${shortUrl(f.url, opts.root)}:${f.lineNumber + 1}`;
    }
    return undefined;
  };
  const selfUs = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  // timeDeltas[i] is the time from sample i-1 to sample i; sample i lasts until sample i+1.
  for (let i = 0; i < samples.length; i++) {
    const dur = i + 1 < timeDeltas.length ? timeDeltas[i + 1]! : 0;
    const id = samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dur));
  }
  const fns = new Map<string, { name: string; location: string; us: number; via: Map<string, number> }>();
  const modules = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  let gcUs = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    totalUs += us;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idleUs += us;
      continue;
    }
    if (name === '(garbage collector)') gcUs += us;
    const loc = shortUrl(n.callFrame.url, opts.root);
    const location = loc ? `${loc}:${n.callFrame.lineNumber + 1}` : '';
    const key = `${name}\u0000${location}`;
    let f = fns.get(key);
    if (f) f.us += us;
    else fns.set(key, (f = { name, location, us, via: new Map() }));
    if (!loc || loc.startsWith('node:')) {
      const v = appCaller(id);
      if (v) f.via.set(v, (f.via.get(v) ?? 0) + us);
    }
    const mod = moduleOf(name, loc);
    modules.set(mod, (modules.get(mod) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const pct = (us: number) => (busyUs > 0 ? Math.round((us / busyUs) * 1000) / 10 : 0);
  const ms = (us: number) => Math.round(us / 10) / 100;
  const top = [...fns.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, opts.top ?? 25)
    .map((f) => {
      const out: FunctionTime = { name: f.name, location: f.location, selfMs: ms(f.us), pct: pct(f.us) };
      const best = [...f.via.entries()].sort((a, b) => b[1] - a[1])[0];
      if (best) out.via = `${best[0]} (${Math.round((best[1] / f.us) * 100)}%)`;
      return out;
    });
  const byModule = [...modules.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([module, us]) => ({ module, selfMs: ms(us), pct: pct(us) }));
  return { file: opts.file ?? '', totalMs: ms(totalUs), idleMs: ms(idleUs), busyMs: ms(busyUs), gcMs: ms(gcUs), top, byModule };
}

/** Every .cpuprofile under dir (one level of subfolders: one per process). */
export function findProfiles(dir: string): Array<{ process: string; file: string }> {
  const out: Array<{ process: string; file: string }> = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const e of entries.sort()) {
    const sub = join(dir, e);
    let files: string[] = [];
    try {
      files = readdirSync(sub).filter((f) => f.endsWith('.cpuprofile'));
    } catch {
      if (e.endsWith('.cpuprofile')) out.push({ process: e, file: sub });
      continue;
    }
    for (const f of files.sort()) out.push({ process: e, file: join(sub, f) });
  }
  return out;
}

export function summarizeProfileFile(file: string, opts: { top?: number; root?: string } = {}): ProfileSummary {
  return summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, { ...opts, file });
}

/** Busy time this much above CPU time is reported: below it, the difference is within the sampling's own error. */
const WAIT_REPORTED = 1.15;

export function formatProfileSummary(processName: string, s: ProfileSummary): string {
  const cpu = s.mainCpuMs === undefined ? '' : `; main thread ${Math.round(s.mainCpuMs)} ms of CPU by /proc`;
  const lines = [`${processName}: ${s.busyMs} ms busy of ${s.totalMs} ms sampled (GC ${s.gcMs} ms)${cpu} — ${s.file}`];
  if (s.mainCpuMs !== undefined && s.mainCpuMs > 0 && s.busyMs > WAIT_REPORTED * s.mainCpuMs) {
    // Seen on two shared cores: a system call that wakes another process (a socket write to nats-server or
    // PostgreSQL) is where the writer is most often preempted, so its frame collects that wait as self time.
    lines.push(
      `  busy is ${(s.busyMs / s.mainCpuMs).toFixed(1)}× the CPU time: V8 samples wall time, so waits for a core count as self time of the ` +
        'frame that was running, most of all system calls that wake another process (socket writes); compare self times between ' +
        'runs, not with CPU figures',
    );
  }
  lines.push('   self ms  busy %  function                          location');
  for (const f of s.top) {
    const where = f.location || (f.via ? '' : '(native)');
    lines.push(`  ${f.selfMs.toFixed(1).padStart(8)}  ${f.pct.toFixed(1).padStart(6)}  ${f.name.slice(0, 32).padEnd(32)}  ${where}${f.via ? `${where ? ' ' : ''}← ${f.via}` : ''}`);
  }
  lines.push('  by module:');
  for (const m of s.byModule) lines.push(`  ${m.selfMs.toFixed(1).padStart(8)}  ${m.pct.toFixed(1).padStart(6)}  ${m.module}`);
  return lines.join('\n');
}
