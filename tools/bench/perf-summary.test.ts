import { describe, expect, it } from 'vitest';
import { createPerfAggregator, createPerfScriptParser, formatPerfSummary, type PerfSample } from './perf-summary.js';

const ROOT = '/srv/smsmesh';

/** `perf script -F pid,tid,ip,sym,dso` as perf prints it: a pid/tid line, tab-indented frames innermost first, a blank line. */
const SCRIPT = [
  // An edge's route handler serializing JSON: charged to the handler's module, not to V8's builtin.
  ' 101/101 ',
  '\t         1513c2a v8::internal::JsonStringifier::Serialize_<false> (/usr/bin/node)',
  '\t    7f6f68224611 JS:*send file:///srv/smsmesh/dist/internal/frontdoor/front-door.js:119:19 (/tmp/perf-101.map)',
  '\t    7f6f68224700 JS:*processTicksAndRejections node:internal/process/task_queues:67:35 (/tmp/perf-101.map)',
  '\t          7bbbe6 node::SpinEventLoopInternal (/usr/bin/node)',
  '',
  // A NATS parse in a dependency.
  ' 101/101 ',
  '\t    7f6f68225000 JS:*parse /srv/smsmesh/node_modules/@nats-io/nats-core/lib/parser.js:84:10 (/tmp/perf-101.map)',
  '\t    7f6f68224700 JS:*processTicksAndRejections node:internal/process/task_queues:67:35 (/tmp/perf-101.map)',
  '',
  // A young-generation collection under application code: garbage collection, whatever called it.
  ' 101/101 ',
  '\t         1007c3a v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot> (/usr/bin/node)',
  '\t          c4993d v8::internal::Heap::CollectGarbage (/usr/bin/node)',
  '\t    7f6f68224611 JS:*send file:///srv/smsmesh/dist/internal/frontdoor/front-door.js:119:19 (/tmp/perf-101.map)',
  '',
  // A socket write in the kernel under Node's streams only: Node's internals.
  ' 101/101 ',
  '\t ffffffff81a0c1e2 tcp_sendmsg_locked ([kernel.kallsyms])',
  '\t          9d5f27 node::StreamBase::Writev (/usr/bin/node)',
  '\t    7f6f68226000 JS:*clearBuffer node:internal/streams/writable:744:21 (/tmp/perf-101.map)',
  '',
  // The event loop waiting in epoll: kernel, no JavaScript on the stack.
  ' 101/101 ',
  '\t ffffffff81a0c000 do_epoll_wait ([kernel.kallsyms])',
  '\t         14c05fb uv__io_poll (/usr/bin/node)',
  '',
  // V8's optimising compiler on a thread of its own.
  ' 101/105 ',
  '\t          d0c1e2 v8::internal::compiler::GraphReducer::ReduceTop (/usr/bin/node)',
  '\t          d0a000 v8::internal::OptimizingCompileDispatcher::CompileTask::RunInternal (/usr/bin/node)',
  '\t    7fd8af00c0de start_thread (/usr/lib/x86_64-linux-gnu/libc.so.6)',
  '',
  // An anonymous arrow function of the gateway, and a frame with parentheses in its symbol.
  ' 202/202 ',
  '\t          c4993d v8::internal::(anonymous namespace)::Invoke (/usr/bin/node)',
  '\t    7f6f68227000 JS:* file:///srv/smsmesh/dist/internal/connector/bind-actor.js:148:49 (/tmp/perf-202.map)',
  '',
  // A process the bench did not name: ignored.
  ' 303/303 ',
  '\t          c4993d malloc (/usr/lib/x86_64-linux-gnu/libc.so.6)',
  '',
];

function parse(lines: readonly string[]): PerfSample[] {
  const out: PerfSample[] = [];
  const p = createPerfScriptParser((s) => out.push(s));
  for (const l of lines) p.line(l);
  p.end();
  return out;
}

describe('perf script parsing', () => {
  it('reads each sample with its pid and its frames innermost first, symbols and objects apart', () => {
    const samples = parse(SCRIPT);
    expect(samples.map((s) => s.pid)).toEqual([101, 101, 101, 101, 101, 101, 202, 303]);
    expect(samples.map((s) => s.tid)).toEqual([101, 101, 101, 101, 101, 105, 202, 303]);
    expect(samples[0]!.frames[0]).toEqual({ sym: 'v8::internal::JsonStringifier::Serialize_<false>', dso: '/usr/bin/node' });
    expect(samples[0]!.frames).toHaveLength(4);
    expect(samples[6]!.frames[0]).toEqual({ sym: 'v8::internal::(anonymous namespace)::Invoke', dso: '/usr/bin/node' });
    expect(samples[3]!.frames[0]!.dso).toBe('[kernel.kallsyms]');
  });

  it('keeps the last sample when the output ends without a blank line', () => {
    expect(parse([' 7/8 ', '\t 1 f (/usr/bin/node)'])).toEqual([{ pid: 7, tid: 8, frames: [{ sym: 'f', dso: '/usr/bin/node' }] }]);
  });
});

describe('where a process CPU went', () => {
  const agg = createPerfAggregator(ROOT);
  for (const s of parse(SCRIPT)) agg.add(s);
  const [edge, connector, ...rest] = agg.summarize(new Map([[101, 'edge-1'], [202, 'connector']]), 500);

  it('summarizes the named processes only, with the CPU their samples stand for', () => {
    expect(rest).toEqual([]);
    expect(edge!.process).toBe('edge-1');
    expect(edge!.samples).toBe(6);
    expect(edge!.cpuS).toBe(0.01);
    expect(connector!.samples).toBe(1);
  });

  it('charges a sample to garbage collection, else compiling, else the innermost application frame, else Node, the kernel or native code', () => {
    expect(Object.fromEntries(edge!.byPart.map((p) => [p.part, p.pct]))).toEqual({
      'smsmesh internal/frontdoor': 16.7,
      '@nats-io/nats-core': 16.7,
      'V8 garbage collection': 16.7,
      'V8 compiling JavaScript': 16.7,
      'node (internals)': 16.7,
      'kernel, outside JavaScript (event loop, network)': 16.7,
    });
    expect(connector!.byPart).toEqual([{ part: 'smsmesh internal/connector', pct: 100 }]);
    expect(edge!.gcPct).toBe(16.7);
    expect(edge!.compilePct).toBe(16.7);
    expect(edge!.kernelPct).toBe(33.3);
    expect(edge!.otherThreadsPct).toBe(16.7);
    expect(connector!.otherThreadsPct).toBe(0);
  });

  it('names the function on the core: JavaScript by its place in the repository, kernel functions marked', () => {
    const fns = edge!.top.map((f) => f.fn);
    expect(fns).toContain('v8::internal::JsonStringifier::Serialize_<false>');
    expect(fns).toContain('parse node_modules/@nats-io/nats-core/lib/parser.js:84');
    expect(fns).toContain('tcp_sendmsg_locked [kernel]');
    expect(connector!.top).toEqual([{ fn: 'v8::internal::(anonymous namespace)::Invoke', pct: 100 }]);
    const a = createPerfAggregator(ROOT);
    a.add({ pid: 1, tid: 1, frames: [{ sym: 'JS:* file:///srv/smsmesh/dist/internal/connector/bind-actor.js:148:49', dso: '/tmp/perf-1.map' }] });
    expect(a.summarize(new Map([[1, 'c']]), 500)[0]!.top).toEqual([{ fn: '(anonymous) dist/internal/connector/bind-actor.js:148', pct: 100 }]);
  });

  it('prints the totals, the parts and the functions', () => {
    const text = formatPerfSummary('smsmesh split / edge-1', edge!);
    expect(text).toMatch(/^smsmesh split \/ edge-1: 6 samples = 0\.01 s of CPU; innermost frame in the kernel 33\.3 %, garbage collection 16\.7 %, compiling 16\.7 %, threads other than the main one 16\.7 %/);
    expect(text).toMatch(/ {4}16\.7 % {2}smsmesh internal\/frontdoor/);
    expect(text).toMatch(/tcp_sendmsg_locked \[kernel\]/);
  });
});
