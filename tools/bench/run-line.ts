/** The one line the bench prints after each measured run. */
import type { RunResult } from './measured-run.js';
import { errorsText } from './report.js';

export function runLine(r: RunResult): string {
  const lost = r.loss ? `lost ${r.loss.missing}/${r.loss.checked}` : '';
  return (
    `  → ${r.label} @${r.rate}/s: accepted ${r.acceptedPerS}/s, submit_sm ${r.submitsPerS}/s, persisted ${r.persistedPerS}/s, machine CPU ${r.machineCpuPct} % (other ${r.otherCpuPct} %), ` +
    `accept p99 ${r.accept.p99} ms, DLR p99 ${r.dlr.p99} ms, drain ${r.drained ? `${r.drainS} s` : 'timed out'}, errors ${errorsText(r.errors)}, ` +
    `dropped ${r.dropped}, ${lost} — ${r.verdict.held ? 'held' : `did not hold (${r.verdict.reasons.join('; ')})`}`
  );
}
