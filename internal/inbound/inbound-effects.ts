/**
 * What follows the storing of a routed inbound message, before its parts are acked: its opt-out keyword (if it is one)
 * updates the client's opt-out list, and a message.inbound change goes to sms.chg.inbound for the callback worker.
 * Both are idempotent — a KV put or erase, and a publish under Nats-Msg-Id `in-<id>` — so a retried message repeats
 * them harmlessly.
 */
import { encodingOfDataCoding } from '../sms/decode.js';
import type { OptOutAction } from '../sms/opt-out-keywords.js';
import type { InboundMessage } from './inbound-store.js';
import type { OptOutWriter } from './opt-outs.js';

/** The message.inbound change, as published on sms.chg.inbound. */
export interface InboundChange {
  type: 'message.inbound';
  client: string;
  id: string;
  from: string;
  to: string;
  text: string;
  encoding: ReturnType<typeof encodingOfDataCoding>;
  parts: number;
  carrier: string;
  /** ISO-8601. */
  receivedAt: string;
}

export function inboundChangeOf(m: InboundMessage & { clientId: string }): InboundChange {
  return {
    type: 'message.inbound',
    client: m.clientId,
    id: m.id,
    from: m.from,
    to: m.to,
    text: m.text,
    encoding: encodingOfDataCoding(m.dataCoding),
    parts: m.parts,
    carrier: m.carrier,
    receivedAt: new Date(m.receivedAt).toISOString(),
  };
}

export function createInboundEffects(o: {
  optOuts: OptOutWriter;
  /** The opt-out meaning of a text for this client's keywords. */
  actionOf: (client: string, text: string) => OptOutAction;
  /** Publishes the change durably with Nats-Msg-Id `in-<id>`. */
  publishChange: (change: InboundChange, msgId: string) => Promise<void>;
  /**
   * Told of a keyword once its opt-out or opt-in is written: a write that fails is retried with the message and is
   * told once, when it succeeds (a retry after a failed publish of the change is told again: rare, and counted).
   */
  onApplied?: (client: string, action: Exclude<OptOutAction, { kind: 'none' }>) => void;
}): (m: InboundMessage) => Promise<void> {
  return async function afterStore(m) {
    const client = m.clientId;
    // A message no route gave to a client is kept, but nobody can act on it.
    if (client === null) return;
    const action = o.actionOf(client, m.text);
    if (action.kind === 'optOut') {
      const at = new Date(m.receivedAt).toISOString();
      await o.optOuts.optOut(client, { number: m.from, sender: action.clientWide ? null : m.to, at, source: 'keyword' });
    } else if (action.kind === 'optIn') {
      await o.optOuts.optIn(client, m.from, m.to);
    }
    if (action.kind !== 'none') o.onApplied?.(client, action);
    await o.publishChange(inboundChangeOf({ ...m, clientId: client }), `in-${m.id}`);
  };
}
