/**
 * What a bind answers to the SMSC's own requests: deliver_sm / data_sm carry delivery receipts or inbound
 * (MO) messages. Each is answered only once stored in JetStream; if it cannot be stored the answer is
 * ESME_RX_T_APPN, a temporary error that makes the SMSC deliver it again later, so nothing is lost.
 */
import { encodeInbound } from '../bus/codec.js';
import type { Publisher } from '../bus/publisher.js';
import { Subjects } from '../bus/subjects.js';
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { SmscIdMode } from '../sms/receipt-status.js';
import type { Logger } from '../log/logger.js';
import type { ConnectorMetrics } from '../metrics/connector.js';
import { labelled } from '../metrics/labelled.js';
import { Status } from '../smpp/command-status.js';
import type { DataSmPdu, DeliverSmPdu, Pdu, ResponseFields } from '../smpp/pdu-types.js';
import type { EventSink } from './event-sink.js';
import { inboundFromPdu } from './inbound-event.js';
import { isReceipt, receiptFromPdu } from './receipt-event.js';

const { ESME_RINVCMDID, ESME_RX_T_APPN } = Status;

export interface PeerRequestDeps {
  carrier: string;
  receiptIdFormat: SmscIdMode;
  events: EventSink;
  publisher: Publisher;
  metrics: ConnectorMetrics;
  log: Logger;
  clock: Clock;
}

export function createPeerRequestHandler(d: PeerRequestDeps): (pdu: Pdu) => Promise<ResponseFields> {
  const labels = { carrier: d.carrier };
  const receiptsBy = labelled(d.metrics.receipts, labels, 'stat');
  const inbound = d.metrics.inbound.labels(labels);
  return async function onPeerRequest(pdu) {
    if (pdu.command !== 'deliver_sm' && pdu.command !== 'data_sm') return { status: ESME_RINVCMDID };
    const p = pdu as DeliverSmPdu | DataSmPdu;
    const shortMessage = 'shortMessage' in p ? p.shortMessage : undefined;
    try {
      if (isReceipt(p.esmClass, p.tlvs)) {
        const ev = receiptFromPdu({ esmClass: p.esmClass, shortMessage, tlvs: p.tlvs }, d.carrier, d.receiptIdFormat, d.clock.now());
        if (!ev) {
          d.log.warn({ esmClass: p.esmClass }, 'receipt without a message id ignored');
          return { status: 0 };
        }
        await d.events.receipt(ev);
        receiptsBy(ev.stat).inc();
        return { status: 0 };
      }
      const mo = inboundFromPdu(p, d.carrier, d.clock.now());
      await d.publisher.publish(Subjects.mo(d.carrier), encodeInbound(mo), { msgID: mo.id, deadlineMs: 5000 });
      inbound.inc();
      return { status: 0 };
    } catch (err) {
      d.log.error({ err: errorMessage(err) }, 'could not store deliver_sm; answered ESME_RX_T_APPN');
      return { status: ESME_RX_T_APPN };
    }
  };
}
