/** InboundStore on PostgreSQL or PGlite through Drizzle. Volumes are low; one multi-row insert per batch. */
import type { Database } from '../db/client.js';
import { inboundMessages } from '../db/schema.js';
import type { InboundStore } from './inbound-store.js';
import { createTextCipher, type TextCipher } from './text-cipher.js';

/** Texts go through `cipher` (sealed under the newest key when keys are configured, as they are otherwise). */
export function createPgInboundStore(database: Pick<Database, 'db'>, cipher: TextCipher = createTextCipher([])): InboundStore {
  return {
    async record(messages) {
      if (messages.length === 0) return;
      await database.db
        .insert(inboundMessages)
        .values(
          messages.map((m) => {
            const sealed = cipher.seal(m.text);
            return {
              id: m.id,
              carrier: m.carrier,
              from: m.from,
              to: m.to,
              text: sealed.text,
              textKeyId: sealed.keyId,
              dataCoding: m.dataCoding,
              parts: m.parts,
              receivedAt: new Date(m.receivedAt),
              clientId: m.clientId,
            };
          }),
        )
        .onConflictDoNothing();
    },
  };
}
