/**
 * Answering the peer's requests: enquire_link, unbind and unknown commands at once; binds and messages
 * checked against the bind state, then by way of the handler, whose answer goes out as the matching *_resp.
 */
import { CommandId, responseIdFor } from './command-id.js';
import { Status } from './command-status.js';
import { encodeHeader, encodePduAs } from './pdu-encode.js';
import type { Pdu, PduInit, ResponseFields } from './pdu-types.js';
import type { RequestHandler } from './session-api.js';
import { BIND_IDS, type SessionCore } from './session-core.js';

export interface PeerRequests {
  answer(pdu: Pdu): void;
  setHandler(h: RequestHandler): void;
}

/** Receiver-side application codes for messages we were handed; system error for the rest. */
function failureStatusFor(commandId: number): number {
  return commandId === CommandId.deliver_sm || commandId === CommandId.data_sm
    ? Status.ESME_RX_T_APPN
    : Status.ESME_RSYSERR;
}

/** The response PDU answering `req` with `fields`. */
function responseFor(req: Pdu, fields: ResponseFields): PduInit | undefined {
  const { status, tlvs } = fields;
  switch (req.command) {
    case 'bind_receiver':
    case 'bind_transmitter':
    case 'bind_transceiver':
      return { command: `${req.command}_resp`, status, systemId: fields.systemId, tlvs };
    case 'submit_sm':
      return { command: 'submit_sm_resp', status, messageId: fields.messageId, tlvs };
    case 'deliver_sm':
      return { command: 'deliver_sm_resp', status, messageId: fields.messageId, tlvs };
    case 'data_sm':
      return { command: 'data_sm_resp', status, messageId: fields.messageId, tlvs };
    default:
      return undefined;
  }
}

function isPromiseLike<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

export function createPeerRequests(core: SessionCore): PeerRequests {
  const { log, write, close, becomeBound } = core;
  let handler: RequestHandler | undefined;
  let bindInProgress = false;

  function answer(pdu: Pdu): void {
    const state = core.state;
    switch (pdu.command) {
      case 'enquire_link':
        write(encodeHeader(CommandId.enquire_link_resp, Status.ESME_ROK, pdu.sequence));
        return;
      case 'unbind':
        write(encodeHeader(CommandId.unbind_resp, Status.ESME_ROK, pdu.sequence));
        close('peer_unbind', { flush: true });
        return;
      case 'unknown':
        write(encodeHeader(CommandId.generic_nack, Status.ESME_RINVCMDID, pdu.sequence));
        return;
      case 'bind_receiver':
      case 'bind_transmitter':
      case 'bind_transceiver':
        if (state !== 'open') respond(pdu, { status: state === 'bound' ? Status.ESME_RALYBND : Status.ESME_RINVBNDSTS });
        else if (bindInProgress) respond(pdu, { status: Status.ESME_RINVBNDSTS });
        else dispatch(pdu);
        return;
      case 'submit_sm':
      case 'deliver_sm':
      case 'data_sm':
        if (state !== 'bound' && state !== 'unbinding') respond(pdu, { status: Status.ESME_RINVBNDSTS });
        else dispatch(pdu);
        return;
      default:
        // Only responses are left, and they never get here.
        return;
    }
  }

  function dispatch(pdu: Pdu): void {
    const isBind = BIND_IDS.has(pdu.commandId);
    if (!handler) {
      respond(pdu, { status: failureStatusFor(pdu.commandId) });
      return;
    }
    let result: ResponseFields | Promise<ResponseFields>;
    try {
      result = handler(pdu);
    } catch (err) {
      log.warn({ err, commandId: pdu.commandId, sequence: pdu.sequence }, 'smpp request handler threw');
      respond(pdu, { status: failureStatusFor(pdu.commandId) });
      return;
    }
    if (!isPromiseLike(result)) {
      respond(pdu, result);
      return;
    }
    if (isBind) bindInProgress = true;
    result.then(
      (fields) => {
        if (isBind) bindInProgress = false;
        respond(pdu, fields);
      },
      (err: unknown) => {
        if (isBind) bindInProgress = false;
        log.warn({ err, commandId: pdu.commandId, sequence: pdu.sequence }, 'smpp request handler failed');
        respond(pdu, { status: failureStatusFor(pdu.commandId) });
      },
    );
  }

  function respond(req: Pdu, fields: ResponseFields): void {
    if (core.state === 'closed') return;
    const resp = responseFor(req, fields);
    if (!resp) return;
    let buf: Buffer;
    try {
      buf = encodePduAs(resp, fields.status, req.sequence);
    } catch (err) {
      log.error({ err, commandId: req.commandId, sequence: req.sequence }, 'smpp response could not be encoded');
      buf = encodeHeader(responseIdFor(req.commandId), Status.ESME_RSYSERR, req.sequence);
    }
    write(buf);
    if (fields.status === 0 && BIND_IDS.has(req.commandId)) becomeBound();
  }

  return {
    answer,
    setHandler(h) {
      handler = h;
    },
  };
}
