/**
 * Entry of one load generator process (forked by load-fleet.ts): runs the share of a run it is given and
 * streams per-second reports and the summary back over IPC. Stays up between runs so it stays warm.
 */
import { runLoad, type LoadOptions, type NatsApiTarget } from './load-generator.js';
import { runNatsRequesters } from './nats-requesters.js';

export type WorkerRequest = { type: 'run'; runId: number; options: LoadOptions } | { type: 'exit' };

if (!process.send) {
  process.stderr.write('load-worker is started by the bench or loadgen commands, not directly\n');
  process.exit(2);
}
const send = (m: unknown) => process.send?.(m);

process.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'exit') {
    process.exit(0);
  }
  if (msg.type === 'run') {
    const onSecond = (report: unknown) => send({ type: 'second', runId: msg.runId, report });
    const o = msg.options;
    const run = o.target.kind === 'nats' ? runNatsRequesters(o as LoadOptions & { target: NatsApiTarget }, onSecond) : runLoad(o, onSecond);
    run.then(
      (summary) => send({ type: 'done', runId: msg.runId, summary }),
      (err: unknown) => send({ type: 'failed', runId: msg.runId, error: err instanceof Error ? err.message : String(err) }),
    );
  }
});
// The parent going away ends the worker.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
