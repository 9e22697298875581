/**
 * One drill: a steady load through the edges, the fault injected part-way, the load stopped, then the reckoning —
 * every message the gateway answered 2xx must reach a recorded final state (lost must be 0), duplicates at the SMSC
 * must stay within the fault's bound, and the report says how long clients saw errors and how long until the
 * pipeline had caught up again.
 */
import type { Drill } from './drill-catalogue.js';
import { startDrillLoad } from './drill-client.js';
import type { DrillStack } from './drill-stack.js';

export interface DrillResult {
  drill: string;
  what: string;
  accepted: number;
  persisted: number;
  lost: number;
  /** Examples of lost ids, to look up in the logs, with the state each was recorded in. */
  lostIds: string[];
  lostStates: Record<string, string>;
  /** Answers that were neither 2xx nor retryable, as status and detail. */
  rejectedAnswers: string[];
  /** Accepted messages whose row does not name their client: their accepted record never arrived (GET would 404). */
  unattributed: number;
  gaveUp: number;
  dropped: number;
  rejected: number;
  duplicates: number;
  dupBound: number;
  /** Seconds of the run in which clients saw a 503, a refused connection or a timeout. */
  errorSeconds: number;
  /** From the fault's start until no more client errors and the writer caught up; undefined when it never did. */
  recoveryS: number | undefined;
  ok: boolean;
}

export interface DrillRunOptions {
  rate: number;
  /** Seconds of load. */
  loadS: number;
  /** When the fault starts, seconds into the load. */
  faultAtS: number;
  /** How long to wait for the last messages to reach their final state. */
  drainS: number;
  say: (line: string) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until every gateway process runs and the SMSC is up, so the next drill starts from a whole stack. */
export async function heal(s: DrillStack): Promise<void> {
  for (const n of s.cluster.nodes) {
    n.thaw();
    if (!n.running()) await n.start();
  }
  await s.sim.behave({ silentShare: 0 });
  if (!(await s.sim.stats()).up) await s.sim.up();
  for (const g of s.all()) if (!g.running()) await g.start();
}

export async function runDrill(s: DrillStack, drill: Drill, o: DrillRunOptions): Promise<DrillResult> {
  const tag = `${drill.name}-${Date.now().toString(36)}`;
  const dupBefore = (await s.sim.stats()).duplicates;
  const load = startDrillLoad({ edges: () => s.edges.map((e) => e.url).filter((u): u is string => u !== undefined), apiKey: s.apiKey, rate: o.rate, tag });
  const since = load.startedAt - 1000;
  const samples: { t: number; final: number }[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      try {
        samples.push({ t: Date.now(), final: await s.finalSince(since) });
      } catch {
        // PostgreSQL is the fault in one drill: no sample that second
      }
      await sleep(1000);
    }
  })();

  await sleep(o.faultAtS * 1000);
  const faultAt = Date.now();
  o.say(`${drill.name}: ${drill.what}`);
  await drill.inject(s, (line) => o.say(`  ${line}`));
  const faultEnd = Date.now();
  const rest = load.startedAt + o.loadS * 1000 - Date.now();
  if (rest > 0) await sleep(rest);
  await load.stop();
  await heal(s);

  const ids = load.accepted();
  const deadline = Date.now() + o.drainS * 1000;
  let final = new Set<string>();
  for (;;) {
    final = await s.finalAmong(ids);
    if (final.size >= ids.length || Date.now() > deadline) break;
    await sleep(2000);
  }
  sampling = false;
  await sampler;
  // The drain's own end is a sample too: a run that caught up between two samples is not reported as never.
  samples.push({ t: Date.now(), final: await s.finalSince(since).catch(() => 0) });

  const secs = load.seconds();
  const errorSecondIdx = [...secs.entries()].filter(([, v]) => v.errors > 0).map(([k]) => k);
  const lastErrorAt = errorSecondIdx.length ? load.startedAt + (Math.max(...errorSecondIdx) + 1) * 1000 : faultAt;
  // Accepted by time t (from the client's per-second counts), to compare with what was final a few seconds later.
  const acceptedBy = (t: number): number => {
    let n = 0;
    for (const [k, v] of secs) if (load.startedAt + (k + 1) * 1000 <= t) n += v.accepted;
    return n;
  };
  const LAG_MS = 5000;
  const caughtUp = samples.find((x) => x.t >= Math.max(faultEnd, lastErrorAt) && x.final >= acceptedBy(x.t - LAG_MS));
  const duplicates = (await s.sim.stats()).duplicates - dupBefore;
  const lostIds = ids.filter((id) => !final.has(id));
  const dupBound = drill.dupBound(s);
  const unattributedCount = await s.unattributed(ids);
  const result: DrillResult = {
    drill: drill.name,
    what: drill.what,
    accepted: ids.length,
    persisted: final.size,
    lost: lostIds.length,
    lostIds: lostIds.slice(0, 10),
    lostStates: Object.fromEntries(await s.statesOf(lostIds.slice(0, 10))),
    unattributed: unattributedCount,
    rejectedAnswers: load.rejected().slice(0, 5).map((r) => `${r.status} ${r.body.slice(0, 200)}`),
    gaveUp: load.gaveUp(),
    dropped: load.dropped(),
    rejected: load.rejected().length,
    duplicates,
    dupBound,
    errorSeconds: errorSecondIdx.length,
    recoveryS: caughtUp ? Math.round((caughtUp.t - faultAt) / 100) / 10 : undefined,
    ok: lostIds.length === 0 && duplicates <= dupBound && load.rejected().length === 0 && unattributedCount === 0,
  };
  return result;
}
