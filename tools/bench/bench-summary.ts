/**
 * The bench's report once every system has run: per system its tables, notes, charts and comparison with Kannel,
 * the CPU profile summaries, and the verdict; printed, and written as summary.txt and results.json.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions } from './bench-args.js';
import type { SystemReport } from './bench-context.js';
import type { BenchMeta } from './bench-meta.js';
import { formatMachineSpeed } from './machine-speed.js';
import { PERF_HZ } from './perf-record.js';
import { formatPerfSummary } from './perf-summary.js';
import { formatProfileSummary } from './profile-summary.js';
import {
  backlogTable,
  drainCpuTable,
  compareRuns,
  comparisonTable,
  errorsText,
  findMaxText,
  memoryChart,
  processTable,
  resultJson,
  runsTable,
  soakTable,
  throughputChart,
  type ComparisonRow,
} from './report.js';

export interface SummaryInput {
  o: BenchOptions;
  out: (line: string) => void;
  resultsDir: string;
  meta: BenchMeta;
  reports: SystemReport[];
  kannelError: string | undefined;
  /** Whether the bench has failed already (a Kannel side that had to run and did not). */
  failed: boolean;
}

/** Returns whether the bench failed: as given, or because a run lost messages or a backlog did not drain. */
export function writeSummary(input: SummaryInput): boolean {
  const { o, out, resultsDir, meta, reports, kannelError } = input;
  let failed = input.failed;
  const text: string[] = [];
  const comparisons: Array<{ layout: string; rate: number; rows: ComparisonRow[] }> = [];
  const kannelReport = reports.find((r) => r.system === 'kannel');
  for (const r of reports) {
    const allRuns = [...r.runs, ...(r.findMax?.runs ?? [])];
    text.push('');
    text.push(`== ${r.label} — ${Object.entries(r.config).filter(([k]) => k !== 'callbacks').map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('+') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ')}`);
    if (allRuns.length > 0) {
      text.push(runsTable(allRuns));
      text.push('');
      text.push(processTable(allRuns));
      const statuses = allRuns.map((x) => `@${x.rate}/s ${Object.entries(x.statuses).map(([k, v]) => `${k} ${v}`).join(', ') || '–'}`);
      text.push(`final states: ${statuses.join(' | ')}`);
      for (const x of allRuns.filter((y) => y.late > 0.01 * y.sent)) {
        text.push(
          `note @${x.rate}/s: ${x.late} requests (${((100 * x.late) / Math.max(1, x.sent)).toFixed(1)} %) started > 10 ms late (generator max lag ${x.generatorMaxLagMs} ms): ` +
            'the machine was short of CPU or the generator cold; accept latency counts from the intended start, so it includes that wait.',
        );
      }
      for (const x of allRuns.filter((y) => y.otherCpuPct > 25)) {
        text.push(
          `note @${x.rate}/s: the machine was ${x.machineCpuPct} % busy (of ${meta.cpus * 100} %), ${x.otherCpuPct} % of it outside the measured processes ` +
            '(kernel networking, PostgreSQL background writers, or other programs): if other work was running, repeat on an idle machine.',
        );
      }
      const lossy = allRuns.filter((x) => (x.loss?.missing ?? 0) > 0);
      for (const x of lossy) text.push(`LOSS @${x.rate}/s: ${x.loss!.missing} of ${x.loss!.checked} accepted messages have no final state, e.g. ${x.loss!.examples.slice(0, 5).join(', ')}${x.drained ? '' : ` (the drain timeout ended the wait while the backlog was still draining: a longer --drain-timeout tells a slow drain from a loss)`}`);
      if (r.system === 'smsmesh' && lossy.length > 0) failed = true;
      writeFileSync(join(resultsDir, `chart-${r.key}.svg`), throughputChart(`${r.label}: throughput and p99 accept latency`, allRuns, o.p99LimitMs));
    }
    if (r.findMax) text.push(findMaxText(r.label, r.findMax.steps, r.findMax.best));
    if (r.soak) {
      text.push(`soak ${o.soakMinutes} min @${o.rate}/s — RSS per process (least-squares slope after warm-up):`);
      text.push(soakTable(r.soak.slopes));
      text.push(runsTable([r.soak.run]));
      writeFileSync(join(resultsDir, `memory-soak-${r.key}.svg`), memoryChart(`${r.label}: RSS during a ${o.soakMinutes}-minute soak at ${o.rate}/s`, r.soak.run.series, r.soak.slopes.map((s) => s.process)));
      writeFileSync(join(resultsDir, `chart-soak-${r.key}.svg`), throughputChart(`${r.label}: soak throughput and p99`, [r.soak.run], o.p99LimitMs));
      if ((r.soak.run.loss?.missing ?? 0) > 0) failed = true;
    }
    if (r.backlog) {
      const b = r.backlog;
      text.push(`backlog: SMSC down, ${b.accepted} of ${b.n} accepted (errors ${errorsText(b.errors)}); JetStream SMS_MT held ${JSON.stringify((b.streams.withBacklog as Record<string, unknown>).SMS_MT ?? {})}`);
      text.push(backlogTable(b.accepted, b.memory));
      text.push(
        `drain after the SMSC came back: ${b.drained ? `${b.drainS} s` : `not finished after ${b.drainS} s`}, the first submit_sm ${b.firstSubmitS === undefined ? 'never seen' : `after ${b.firstSubmitS} s`}; lost ${b.loss.missing} of ${b.loss.checked}`,
      );
      const d = b.drainCpu;
      text.push(`CPU over the drain: ${d.persisted} persisted in ${d.seconds} s, ${d.perSecond} SMS/s${d.machinePct === undefined ? '' : `, machine ${d.machinePct} % busy (of ${cpus().length * 100} %)`}`);
      text.push(drainCpuTable(d));
      if (b.loss.missing > 0 || !b.drained) failed = true;
    }
    if (r.system === 'smsmesh' && kannelReport) {
      const kannelRuns = [...kannelReport.runs, ...(kannelReport.findMax?.runs ?? [])];
      for (const sRun of allRuns) {
        const kRun = kannelRuns.find((k) => k.rate === sRun.rate);
        if (!kRun) continue;
        const rows = compareRuns(sRun, kRun, r.stackGroups, kannelReport.stackGroups);
        comparisons.push({ layout: r.label, rate: sRun.rate, rows });
        text.push(`${r.label} vs ${kannelReport.label}:`);
        text.push(comparisonTable(sRun.rate, rows));
      }
      if (r.findMax && kannelReport.findMax) {
        const a = r.findMax.best ?? 0;
        const k = kannelReport.findMax.best ?? 0;
        text.push(`highest rate that held: ${r.label} ${a}/s, ${kannelReport.label} ${k}/s, ratio ${k > 0 ? (a / k).toFixed(2) : '∞'}`);
      }
    }
  }
  const profiles = reports.filter((r) => r.profiles && r.profiles.length > 0);
  if (profiles.length > 0) {
    const ptext: string[] = [];
    for (const r of profiles) for (const p of r.profiles!) ptext.push(formatProfileSummary(`${r.label} / ${p.process}`, p.summary), '');
    writeFileSync(join(resultsDir, 'profiles', 'summary.txt'), ptext.join('\n'));
    text.push('', 'CPU profiles (self time, top 25 per process):', ...ptext);
  }
  const perfed = reports.filter((r) => r.perf && r.perf.length > 0);
  if (perfed.length > 0) {
    const ptext: string[] = [];
    for (const r of perfed) for (const p of r.perf!) ptext.push(formatPerfSummary(`${r.label} / ${p.process}`, p), '');
    writeFileSync(join(resultsDir, 'perf', 'summary.txt'), ptext.join('\n'));
    text.push('', `CPU by Linux perf over the runs (cpu-clock at ${PERF_HZ} Hz; shares of each process's CPU):`, ...ptext);
  }
  if (meta.bindWindows.length > 0) {
    const each = meta.bindWindows.map((b) => `window ${b.window}: ${b.submitsPerSecond} submit_sm/s`).join(', ');
    text.push('', `one connector bind, simulator with receipts (as make bench-bind, ${meta.bindWindows[0]!.messages} messages): ${each}`);
  }
  if (kannelError) text.push('', `Kannel side by side failed: ${kannelError}`);
  if (meta.speedBefore && meta.speedAfter) text.push('', `before the runs, ${formatMachineSpeed(meta.speedBefore)}`, `after the runs, ${formatMachineSpeed(meta.speedAfter)}`);
  text.push('', failed ? 'RESULT: FAILED — messages were lost or a backlog did not drain (see above)' : 'RESULT: no message lost', `results in ${resultsDir}`);
  const summary = text.join('\n');
  out(summary);
  writeFileSync(join(resultsDir, 'summary.txt'), `${summary}\n`);
  writeFileSync(join(resultsDir, 'results.json'), resultJson({ meta, systems: reports, comparisons, kannelError, failed }));
  return failed;
}
