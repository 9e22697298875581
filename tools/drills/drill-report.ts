/** The drills' table: one row per drill, the columns the promise is judged by. */
import type { DrillResult } from './drill-run.js';

export function drillTable(results: readonly DrillResult[]): string {
  const head = ['drill', 'accepted', 'persisted', 'lost', 'SMSC duplicates (bound)', 's with 503/errors', 's to recovery', 'gave up', 'verdict'];
  const rows = results.map((r) => [
    r.drill,
    String(r.accepted),
    String(r.persisted),
    String(r.lost),
    `${r.duplicates} (≤ ${r.dupBound})`,
    String(r.errorSeconds),
    r.recoveryS === undefined ? 'not within the drain' : r.recoveryS.toFixed(1),
    String(r.gaveUp),
    r.ok ? 'held' : `FAILED${r.lost ? `: ${r.lost} lost (e.g. ${r.lostIds.slice(0, 3).join(', ')})` : ''}${r.duplicates > r.dupBound ? ': duplicates over the bound' : ''}${r.rejected ? `: ${r.rejected} requests rejected` : ''}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
