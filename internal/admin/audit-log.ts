/**
 * The audit log: every admin action and API key change, appended to SMS_AUDIT (who, what, when, result) and read
 * newest first by the admin API and the console.
 */
import { randomUUID } from 'node:crypto';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { Publisher } from '../bus/publisher.js';
import { Streams, Subjects } from '../bus/subjects.js';
import { readNewestFirst } from './stream-pages.js';

export interface AuditEntry {
  at: string;
  /** The client, and the key id it used (`config:<client>`, a run-time key id, or `cli:<user>` for the keys command). */
  who: { client: string; keyId: string };
  /** e.g. carrier.pause, carrier.resume, carrier.drain, key.create, key.revoke */
  action: string;
  /** What it acted on: a carrier id, a key id. */
  target: string;
  result: 'ok' | 'failed';
  detail?: string;
}

export interface AuditLog {
  append(e: Omit<AuditEntry, 'at'>): Promise<void>;
  read(o: { before?: number | undefined; limit: number }): Promise<{ entries: (AuditEntry & { seq: number })[]; next: number | null }>;
}

export function createAuditLog(deps: { publisher: Publisher; jsm: JetStreamManager; deadlineMs: number; now?: () => number }): AuditLog {
  const now = deps.now ?? Date.now;
  return {
    async append(e) {
      const entry: AuditEntry = { at: new Date(now()).toISOString(), ...e };
      await deps.publisher.publish(Subjects.audit, new TextEncoder().encode(JSON.stringify(entry)), { msgID: randomUUID(), deadlineMs: deps.deadlineMs });
    },
    async read(o) {
      const page = await readNewestFirst(deps.jsm, Streams.audit, o);
      const entries: (AuditEntry & { seq: number })[] = [];
      for (const m of page.items) {
        try {
          entries.push({ ...(m.json<AuditEntry>()), seq: m.seq });
        } catch {
          // not an entry this version wrote: skipped
        }
      }
      return { entries, next: page.next };
    },
  };
}
