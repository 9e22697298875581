/**
 * What a bind answers to the SMSC's own requests: deliver_sm / data_sm carry delivery receipts or inbound
 * (MO) messages. Each is answered only once stored: in JetStream (waiting up to the hold time while NATS is
 * reconnecting), or else in the local spill journal, replayed into JetStream later. Only when neither can take
 * it is the answer ESME_RX_T_APPN, a temporary error that asks the SMSC to deliver it again.
 */
import { randomUUID } from 'node:crypto';
import { encodeEvents, encodeInbound } from '../bus/codec.js';
import type { Publisher } from '../bus/publisher.js';
import { Subjects } from '../bus/subjects.js';
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { SmscIdMode } from '../sms/receipt-status.js';
import { debugEnabled, type Logger } from '../log/logger.js';
import type { ConnectorMetrics } from '../metrics/connector.js';
import { labelled } from '../metrics/labelled.js';
import { Status } from '../smpp/command-status.js';
import type { DataSmPdu, DeliverSmPdu, Pdu, ResponseFields } from '../smpp/pdu-types.js';
import type { EventSink } from './event-sink.js';
import { inboundFromPdu } from './inbound-event.js';
import { isReceipt, receiptFromPdu } from './receipt-event.js';
import type { SpillJournal } from './spill-journal.js';

const { ESME_RINVCMDID, ESME_RX_T_APPN } = Status;

export interface PeerRequestDeps {
  carrier: string;
  receiptIdFormat: SmscIdMode;
  events: EventSink;
  publisher: Publisher;
  metrics: ConnectorMetrics;
  log: Logger;
  clock: Clock;
  /** How long an MO waits for NATS to come back before it is journaled (receipts: the event sink's deadline). */
  holdMs: number;
  journal?: SpillJournal | undefined;
  /** Told the stat of each receipt stored (the bind's own counts for the admin API). */
  onReceipt?: (stat: string) => void;
}

export function createPeerRequestHandler(d: PeerRequestDeps): (pdu: Pdu) => Promise<ResponseFields> {
  const labels = { carrier: d.carrier };
  const receiptsBy = labelled(d.metrics.receipts, labels, 'stat');
  const debug = debugEnabled(d.log);
  const inbound = d.metrics.inbound.labels(labels);
  // Present at 0 from the start, so that rate() and increase() see a carrier's first inbound message.
  inbound.inc(0);
  const journaled = d.metrics.journaled.labels(labels);

  /** The bus did not take it in time: keep it on disk, or ask the SMSC to send it again. */
  async function spill(what: string, subject: string, msgID: string, data: Uint8Array, err: unknown): Promise<ResponseFields> {
    if (d.journal) {
      try {
        await d.journal.append({ subject, msgId: msgID, data });
        journaled.inc();
        d.log.warn({ err: errorMessage(err), what }, 'bus unavailable; deliver_sm kept in the local journal');
        return { status: 0 };
      } catch (jerr) {
        d.log.error({ err: errorMessage(jerr), what }, 'local journal cannot take it either');
      }
    }
    d.log.error({ err: errorMessage(err), what }, 'could not store deliver_sm; answered ESME_RX_T_APPN');
    return { status: ESME_RX_T_APPN };
  }

  return async function onPeerRequest(pdu) {
    if (pdu.command !== 'deliver_sm' && pdu.command !== 'data_sm') return { status: ESME_RINVCMDID };
    const p = pdu as DeliverSmPdu | DataSmPdu;
    const shortMessage = 'shortMessage' in p ? p.shortMessage : undefined;
    // A parser that throws is answered ESME_RX_T_APPN by the session itself.
    if (isReceipt(p.esmClass, p.tlvs)) {
      const ev = receiptFromPdu({ esmClass: p.esmClass, shortMessage, tlvs: p.tlvs }, d.carrier, d.receiptIdFormat, d.clock.now());
      if (!ev) {
        d.log.warn({ esmClass: p.esmClass }, 'receipt without a message id ignored');
        return { status: 0 };
      }
      try {
        await d.events.receipt(ev);
      } catch (err) {
        const r = await spill('receipt', Subjects.receipt(d.carrier), `rcpt:${randomUUID()}`, encodeEvents([ev]), err);
        if (r.status !== 0) return r;
      }
      receiptsBy(ev.stat).inc();
      if (debug) d.log.debug({ smscMessageId: ev.smscMessageId, stat: ev.stat }, 'receipt stored');
      d.onReceipt?.(ev.stat);
      return { status: 0 };
    }
    const mo = inboundFromPdu(p, d.carrier, d.clock.now());
    const data = encodeInbound(mo);
    try {
      await d.publisher.publish(Subjects.mo(d.carrier), data, { msgID: mo.id, deadlineMs: d.holdMs, waitForConnection: true });
    } catch (err) {
      const r = await spill('mo', Subjects.mo(d.carrier), mo.id, data, err);
      if (r.status !== 0) return r;
    }
    inbound.inc();
    return { status: 0 };
  };
}
