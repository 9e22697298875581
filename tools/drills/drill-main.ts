/** `make drills`: one stack, every drill asked for in turn, a table at the end (and as files). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../internal/core/paths.js';
import type { DrillArgs } from './drill-args.js';
import { DRILLS } from './drill-catalogue.js';
import { drillTable } from './drill-report.js';
import { heal, runDrill, type DrillResult } from './drill-run.js';
import { startDrillStack } from './drill-stack.js';

export async function runDrills(a: DrillArgs, say: (line: string) => void): Promise<{ results: DrillResult[]; ok: boolean; outDir: string }> {
  const work = mkdtempSync(join(tmpdir(), 'smsmesh-drills-'));
  const outDir = a.out ?? join(packageRoot(), 'bench-results', `drills-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`);
  mkdirSync(outDir, { recursive: true });
  say(`starting the drill stack (3-node NATS cluster, PostgreSQL, SMSC simulator, 2 edges, 2 connectors, status writer); logs in ${join(work, 'logs')}`);
  const stack = await startDrillStack({ workDir: work });
  const results: DrillResult[] = [];
  try {
    for (const name of a.drills) {
      const drill = DRILLS.find((d) => d.name === name)!;
      await heal(stack);
      const r = await runDrill(stack, drill, { rate: a.rate, loadS: a.loadS, faultAtS: a.faultAtS, drainS: a.drainS, say });
      results.push(r);
      if (r.lost > 0) say(`  lost, with their recorded states: ${JSON.stringify(r.lostStates)}`);
      if (r.unattributed > 0) say(`  ${r.unattributed} accepted messages have no client on their row (their accepted record never arrived)`);
      if (r.rejectedAnswers.length > 0) say(`  rejected answers: ${r.rejectedAnswers.join(' | ')}`);
      say(`  → ${r.drill}: accepted ${r.accepted}, persisted ${r.persisted}, lost ${r.lost}, duplicates ${r.duplicates} (≤ ${r.dupBound}), ${r.errorSeconds} s with errors, recovery ${r.recoveryS ?? '—'} s — ${r.ok ? 'held' : 'FAILED'}`);
    }
  } finally {
    await stack.stop();
  }
  const table = drillTable(results);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  writeFileSync(join(outDir, 'drills.txt'), `${table}\n\n${new Date().toISOString()} — ${machine}; rate ${a.rate}/s, load ${a.loadS} s, fault at ${a.faultAtS} s\n`);
  writeFileSync(join(outDir, 'drills.json'), JSON.stringify({ at: new Date().toISOString(), machine, args: a, results }, null, 2));
  say(`\n${table}\n\nresults in ${outDir}`);
  const ok = results.every((r) => r.ok);
  if (ok) rmSync(work, { recursive: true, force: true });
  else say(`logs kept in ${join(work, 'logs')}`);
  return { results, ok, outDir };
}
