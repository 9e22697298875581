/** The DLR / status writer role on top of a Runtime (which must have a database). */
import { Durables, Streams } from '../bus/subjects.js';
import { startStatusWriter, type StatusWriter } from '../status/status-writer.js';
import { startMoWriter } from '../inbound/mo-writer.js';
import { createPgInboundStore } from '../inbound/pg-inbound-store.js';
import { createStatusMetrics } from '../metrics/status.js';
import type { Runtime } from './runtime.js';

export async function startStatusRole(rt: Runtime): Promise<StatusWriter> {
  if (!rt.store || !rt.database) throw new Error('the status writer needs a database');
  const mo = await startMoWriter({
    consumer: await rt.bus.js.consumers.get(Streams.mo, Durables.moWriter),
    store: createPgInboundStore(rt.database),
    log: rt.log,
  });
  const status = await startStatusWriter({
    store: rt.store,
    accepted: await rt.bus.js.consumers.get(Streams.mt, Durables.statusAccepted),
    events: await rt.bus.js.consumers.get(Streams.events, Durables.statusWriter),
    metrics: createStatusMetrics(rt.registry),
    log: rt.log,
  });
  return {
    async stop() {
      await mo.stop();
      await status.stop();
    },
  };
}
