/**
 * Entry of the bench's SMSC simulator process: the same simulator as `smsc-sim` (startSmscSimulator), in its
 * own process, with its counters readable over IPC — the command prints them only when it stops — and a way to
 * take the SMSC down and bring it back on the same port (the --backlog measurement).
 */
import { startSmscSimulator, type BehaviourPatch, type SimulatorOptions, type SmscSimulator } from '../smsc-sim/simulator.js';

export type SimRequest =
  | { type: 'start'; options: SimulatorOptions }
  | { type: 'stats'; reqId: number }
  | { type: 'down'; reqId: number }
  | { type: 'up'; reqId: number }
  | { type: 'reachable'; reqId: number; up: boolean }
  | { type: 'behave'; reqId: number; patch: BehaviourPatch }
  | { type: 'exit' };

if (!process.send) {
  process.stderr.write('sim-child is started by the bench command, not directly\n');
  process.exit(2);
}
const send = (m: unknown) => process.send?.(m);

let sim: SmscSimulator | undefined;
let options: SimulatorOptions = {};
let port = 0;
// Counters of simulator instances already closed (down/up), so totals never go backwards.
const carried = { submits: 0, receiptsSent: 0, throttled: 0, rejected: 0, receiptsDropped: 0, binds: 0 };
// Every accepted segment by destination and content: the same one accepted twice is a duplicate at the SMSC.
const seen = new Set<string>();
let duplicates = 0;
function watch(s: SmscSimulator): SmscSimulator {
  s.onSubmit((x) => {
    const key = `${x.destinationAddr}|${x.shortMessage.toString('base64')}`;
    if (seen.has(key)) duplicates++;
    else seen.add(key);
  });
  return s;
}

function stats() {
  const s = sim?.stats();
  return {
    up: sim !== undefined,
    duplicates,
    binds: carried.binds + (s?.binds ?? 0),
    submits: carried.submits + (s?.submits ?? 0),
    receiptsSent: carried.receiptsSent + (s?.receiptsSent ?? 0),
    throttled: carried.throttled + (s?.throttled ?? 0),
    rejected: carried.rejected + (s?.rejected ?? 0),
    receiptsDropped: carried.receiptsDropped + (s?.receiptsDropped ?? 0),
    receiptsQueued: s?.receiptsQueued ?? 0,
  };
}

process.on('message', (m: SimRequest) => {
  void (async () => {
    try {
      switch (m.type) {
        case 'start':
          options = m.options;
          sim = watch(await startSmscSimulator(options));
          port = sim.port;
          send({ type: 'started', port });
          break;
        case 'stats':
          send({ type: 'reply', reqId: m.reqId, value: stats() });
          break;
        case 'down': {
          const s = sim;
          if (s) {
            const st = s.stats();
            for (const k of Object.keys(carried) as (keyof typeof carried)[]) carried[k] += st[k];
            sim = undefined;
            s.dropAllConnections();
            await s.close();
          }
          send({ type: 'reply', reqId: m.reqId, value: stats() });
          break;
        }
        case 'up':
          if (!sim) sim = watch(await startSmscSimulator({ ...options, port }));
          send({ type: 'reply', reqId: m.reqId, value: stats() });
          break;
        case 'reachable':
          sim?.setReachable(m.up);
          send({ type: 'reply', reqId: m.reqId, value: stats() });
          break;
        case 'behave':
          options = { ...options, ...m.patch } as SimulatorOptions;
          sim?.setBehaviour(m.patch);
          send({ type: 'reply', reqId: m.reqId, value: stats() });
          break;
        case 'exit':
          await sim?.close();
          process.exit(0);
      }
    } catch (err) {
      send({ type: 'error', reqId: 'reqId' in m ? m.reqId : 0, error: err instanceof Error ? err.message : String(err) });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
