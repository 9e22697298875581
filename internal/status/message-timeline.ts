/**
 * A message's timeline for operators (GET /v1/admin/messages/{id}, the console): the message row, whatever client
 * owns it, and each part's submit and receipt. One-part messages keep their receipt on the message row (see
 * db/schema.ts), so their single part is built from it.
 */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { messageParts, messages } from '../db/schema.js';

export interface TimelinePart {
  part: number;
  smscMessageId: string | null;
  submittedAt: string | null;
  /** The last receipt's stat (DELIVRD, UNDELIV …) and when it came; status is set once a receipt was final. */
  lastStat: string | null;
  lastStatAt: string | null;
  status: string | null;
  doneAt: string | null;
  error: string | null;
}

export interface MessageTimeline {
  id: string;
  clientId: string | null;
  clientRef: string | null;
  carrier: string;
  to: string | null;
  from: string | null;
  status: string;
  segments: number | null;
  encoding: string | null;
  error: string | null;
  acceptedAt: string | null;
  sendAt: string | null;
  validUntil: string | null;
  submittedAt: string | null;
  doneAt: string | null;
  parts: TimelinePart[];
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

export async function readMessageTimeline(db: Db, id: string): Promise<MessageTimeline | null> {
  const [m] = await db.select().from(messages).where(eq(messages.id, id));
  if (!m) return null;
  const rows = m.parts !== null && m.parts > 1 ? await db.select().from(messageParts).where(eq(messageParts.messageId, id)).orderBy(asc(messageParts.part)) : [];
  const parts: TimelinePart[] =
    rows.length > 0
      ? rows.map((p) => ({
          part: p.part,
          smscMessageId: p.smscMessageId,
          submittedAt: iso(p.submittedAt),
          lastStat: p.lastStat,
          lastStatAt: iso(p.lastStatAt),
          status: p.status,
          doneAt: iso(p.doneAt),
          error: p.error,
        }))
      : m.submittedAt
        ? [{ part: 1, smscMessageId: m.smscMessageId, submittedAt: iso(m.submittedAt), lastStat: m.lastStat, lastStatAt: iso(m.lastStatAt), status: m.doneAt ? m.status : null, doneAt: iso(m.doneAt), error: m.error }]
        : [];
  return {
    id: m.id,
    clientId: m.clientId,
    clientRef: m.clientRef,
    carrier: m.carrier,
    to: m.to,
    from: m.from,
    status: m.status,
    segments: m.segments,
    encoding: m.encoding,
    error: m.error,
    acceptedAt: iso(m.acceptedAt),
    sendAt: iso(m.sendAt),
    validUntil: iso(m.validUntil),
    submittedAt: iso(m.submittedAt),
    doneAt: iso(m.doneAt),
    parts,
  };
}
