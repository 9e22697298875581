/**
 * Reads `perf script` output for gateway processes sampled by Linux perf (cpu-clock, call graphs; node started with
 * --perf-basic-prof so that compiled JavaScript has names) and tells where each process's CPU went. perf samples a
 * thread only while it runs on a core, so these are shares of CPU time; a V8 profile (--profile) samples wall time,
 * and a process that waits for a core shows that wait as busy time there.
 */
import { moduleOf, shortUrl } from './profile-summary.js';

export interface PerfFrame {
  sym: string;
  dso: string;
}

/** One sample: the process and thread, and the thread's stack innermost frame first. */
export interface PerfSample {
  pid: number;
  tid: number;
  frames: PerfFrame[];
}

/**
 * Feeds `perf script -F pid,tid,ip,sym,dso` output line by line: a sample is a line with its pid/tid, then one line
 * per frame (`<ip> <symbol> (<dso>)`), then a blank line.
 */
export function createPerfScriptParser(onSample: (s: PerfSample) => void): { line(text: string): void; end(): void } {
  let cur: PerfSample | undefined;
  const flush = () => {
    if (cur && cur.frames.length > 0) onSample(cur);
    cur = undefined;
  };
  return {
    line(text) {
      const head = /^\s*(\d+)\/(\d+)\s*$/.exec(text);
      if (head) {
        flush();
        cur = { pid: Number(head[1]), tid: Number(head[2]), frames: [] };
        return;
      }
      if (text.trim() === '') return flush();
      const f = /^\s*[0-9a-f]+\s+(.*)\s+\(([^()]*)\)\s*$/.exec(text);
      if (cur && f) cur.frames.push({ sym: f[1]!, dso: f[2]! });
    },
    end: flush,
  };
}

const GC = /Heap::CollectGarbage|Heap::PerformGarbageCollection|ScavengerCollector|MarkCompactCollector|MinorMarkSweep|IncrementalMarking|ConcurrentMarking/;
/** V8 compiling JavaScript: optimising (TurboFan, on a thread of its own unless --single-threaded) or lazily on first call. */
const COMPILE = /OptimizingCompileDispatcher|v8::internal::compiler::|v8::internal::Compiler::|v8::internal::maglev::|Builtins_CompileLazy/;
const isKernel = (f: PerfFrame) => f.dso === '[kernel.kallsyms]' || f.dso.startsWith('[kernel');

/** A JavaScript frame of --perf-basic-prof's map: `JS:<tier mark><name> <url>:<line>:<column>`. */
function jsFrame(f: PerfFrame, root: string | undefined): { name: string; location: string; module: string } | undefined {
  const m = /^JS:[*~^+]?(\S*) (.*?)(?::(\d+):\d+)?$/.exec(f.sym);
  if (!m) return undefined;
  const name = m[1] || '(anonymous)';
  const loc = shortUrl(m[2]!, root);
  return { name, location: m[3] ? `${loc}:${m[3]}` : loc, module: moduleOf(name, loc) };
}

export interface PerfProcessSummary {
  process: string;
  pid: number;
  samples: number;
  /** CPU seconds the samples stand for (samples over the sampling frequency). */
  cpuS: number;
  /**
   * Shares of the process's samples, %: innermost frame in the kernel; a garbage-collection frame on the stack; V8
   * compiling (optimising or lazily); on a thread other than the main one.
   */
  kernelPct: number;
  gcPct: number;
  compilePct: number;
  otherThreadsPct: number;
  /** Each sample once: garbage collection, else compiling, else the innermost application frame's module, else Node, the kernel or native code. */
  byPart: Array<{ part: string; pct: number }>;
  /** The innermost frame (the function on the core when sampled). */
  top: Array<{ fn: string; pct: number }>;
}

interface Tally {
  samples: number;
  kernel: number;
  gc: number;
  compile: number;
  otherThreads: number;
  parts: Map<string, number>;
  fns: Map<string, number>;
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/** Where a sample's CPU is charged: the code that asked for the work, not the builtin or system call that did it. */
function partOf(s: PerfSample, root: string | undefined): string {
  if (s.frames.some((f) => GC.test(f.sym))) return 'V8 garbage collection';
  if (s.frames.some((f) => COMPILE.test(f.sym))) return 'V8 compiling JavaScript';
  let sawNode = false;
  for (const f of s.frames) {
    const js = jsFrame(f, root);
    if (!js) continue;
    if (js.module === 'node (internals)') sawNode = true;
    else return js.module;
  }
  if (sawNode) return 'node (internals)';
  return isKernel(s.frames[0]!) ? 'kernel, outside JavaScript (event loop, network)' : 'native, outside JavaScript (event loop, V8, libc)';
}

function fnOf(f: PerfFrame, root: string | undefined): string {
  const js = jsFrame(f, root);
  if (js) return `${js.name} ${js.location}`;
  return isKernel(f) ? `${f.sym} [kernel]` : f.sym;
}

export interface PerfAggregator {
  add(s: PerfSample): void;
  /** One summary per named pid that has samples, in the order of `names`. */
  summarize(names: ReadonlyMap<number, string>, hz: number, top?: number): PerfProcessSummary[];
}

export function createPerfAggregator(root?: string): PerfAggregator {
  const byPid = new Map<number, Tally>();
  return {
    add(s) {
      let t = byPid.get(s.pid);
      if (!t) byPid.set(s.pid, (t = { samples: 0, kernel: 0, gc: 0, compile: 0, otherThreads: 0, parts: new Map(), fns: new Map() }));
      t.samples++;
      if (isKernel(s.frames[0]!)) t.kernel++;
      if (s.tid !== s.pid) t.otherThreads++;
      const part = partOf(s, root);
      if (part === 'V8 garbage collection') t.gc++;
      if (part === 'V8 compiling JavaScript') t.compile++;
      bump(t.parts, part);
      bump(t.fns, fnOf(s.frames[0]!, root));
    },
    summarize(names, hz, top = 20) {
      const out: PerfProcessSummary[] = [];
      for (const [pid, process] of names) {
        const t = byPid.get(pid);
        if (!t) continue;
        const pct = (n: number) => Math.round((n / t.samples) * 1000) / 10;
        const ranked = (m: Map<string, number>, n: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
        out.push({
          process,
          pid,
          samples: t.samples,
          cpuS: Math.round((t.samples / hz) * 100) / 100,
          kernelPct: pct(t.kernel),
          gcPct: pct(t.gc),
          compilePct: pct(t.compile),
          otherThreadsPct: pct(t.otherThreads),
          byPart: ranked(t.parts, 15).map(([part, n]) => ({ part, pct: pct(n) })),
          top: ranked(t.fns, top).map(([fn, n]) => ({ fn, pct: pct(n) })),
        });
      }
      return out;
    },
  };
}

export function formatPerfSummary(label: string, s: PerfProcessSummary): string {
  const lines = [
    `${label}: ${s.samples} samples = ${s.cpuS} s of CPU; innermost frame in the kernel ${s.kernelPct} %, garbage collection ${s.gcPct} %, ` +
      `compiling ${s.compilePct} %, threads other than the main one ${s.otherThreadsPct} %`,
    '  by part of the code (garbage collection, else compiling, else the innermost application frame on the stack: a sample counts once):',
  ];
  for (const p of s.byPart) lines.push(`  ${p.pct.toFixed(1).padStart(6)} %  ${p.part}`);
  lines.push(`  top ${s.top.length} functions by self CPU (on the core when sampled):`);
  for (const f of s.top) lines.push(`  ${f.pct.toFixed(1).padStart(6)} %  ${f.fn}`);
  return lines.join('\n');
}
