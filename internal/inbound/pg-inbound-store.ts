/** InboundStore on PostgreSQL or PGlite through Drizzle. Volumes are low; one multi-row insert per batch. */
import type { Database } from '../db/client.js';
import { inboundMessages } from '../db/schema.js';
import type { InboundStore } from './inbound-store.js';

export function createPgInboundStore(database: Pick<Database, 'db'>): InboundStore {
  return {
    async record(messages) {
      if (messages.length === 0) return;
      await database.db
        .insert(inboundMessages)
        .values(
          messages.map((m) => ({
            id: m.id,
            carrier: m.carrier,
            from: m.from,
            to: m.to,
            text: m.text,
            dataCoding: m.dataCoding,
            parts: m.parts,
            receivedAt: new Date(m.receivedAt),
          })),
        )
        .onConflictDoNothing();
    },
  };
}
