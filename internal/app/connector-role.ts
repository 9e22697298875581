/** The connector role: SMPP bind actors for every carrier on top of a Runtime. */
import { join } from 'node:path';
import { startConnector, type Connector } from '../connector/connector.js';
import { createConnectorMetrics } from '../metrics/connector.js';
import type { Runtime } from './runtime.js';

export async function startConnectorRole(rt: Runtime): Promise<Connector> {
  const metrics = createConnectorMetrics(rt.registry);
  const connector = await startConnector({
    bus: rt.bus,
    publisher: rt.publisher,
    deadLetters: rt.deadLetters,
    receiptHoldMs: rt.config.connector.receiptHoldMs,
    journal: { dir: join(rt.config.dataDir, 'journal'), maxBytes: rt.config.connector.journalMaxBytes },
    carriers: rt.config.carriers,
    metrics,
    log: rt.log,
  });
  metrics.setInflightSource(() => connector.binds());
  return connector;
}
