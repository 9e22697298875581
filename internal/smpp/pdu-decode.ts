/** Decodes one complete frame into a typed PDU, or into the status to answer the peer with; never throws. */
import { CommandId } from './command-id.js';
import { Status } from './command-status.js';
import {
  CStringField,
  HEADER_LENGTH,
  MAX_SHORT_MESSAGE,
  TIME_LENGTH,
  TimeField,
  type CStringFieldSpec,
  type TimeFieldSpec,
} from './pdu-fields.js';
import type {
  BindCommand,
  BindRespCommand,
  DecodeResult,
  HeaderOnlyCommand,
  MessageIdRespCommand,
  Pdu,
} from './pdu-types.js';
import { FIXED_TLV_LENGTH, Tlv, type TlvMap } from './tlv.js';

/*
 * Status choices where the spec leaves room (documented in README.md):
 * - the body ends inside the mandatory fields (a C-string without its NUL, a missing integer):
 *   ESME_RINVCMDLEN, because command_length is what is wrong for this command;
 * - sm_length larger than 254 or than the octets left: ESME_RINVMSGLEN;
 * - a C-string longer than its field allows: the field's own code (pdu-fields.ts);
 * - octets after the mandatory fields that do not form whole TLVs, or a TLV running past the end:
 *   ESME_RINVOPTPARSTREAM (0xC0); a known fixed-size TLV of another length: ESME_RINVPARLEN (0xC2);
 * - sar_msg_ref_num without sar_total_segments and sar_segment_seqnum (or the reverse):
 *   ESME_RMISSINGOPTPARAM (0xC3), since the spec requires the three together (§5.3.2.22–24).
 */

/** A decoding failure on the way out of nested readers; not an Error, so throwing it captures no stack. */
class Fault {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {}
}

class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
  ) {}

  u8(field: string): number {
    if (this.pos >= this.buf.length) throw new Fault(Status.ESME_RINVCMDLEN, `PDU ends before ${field}`);
    return this.buf[this.pos++]!;
  }

  cstr(spec: CStringFieldSpec): string {
    return this.cstrMax(spec.wire, spec.max, spec.status);
  }

  time(spec: TimeFieldSpec): string {
    const s = this.cstrMax(spec.wire, TIME_LENGTH + 1, spec.status);
    if (s.length !== 0 && s.length !== TIME_LENGTH) {
      throw new Fault(spec.status, `${spec.wire} must be empty or ${TIME_LENGTH} characters`);
    }
    return s;
  }

  private cstrMax(wire: string, max: number, status: number): string {
    const { buf, pos } = this;
    if (pos >= buf.length) throw new Fault(Status.ESME_RINVCMDLEN, `PDU ends before ${wire}`);
    const nul = buf.indexOf(0, pos);
    if (nul < 0) throw new Fault(Status.ESME_RINVCMDLEN, `${wire} has no terminating NUL before the end of the PDU`);
    if (nul - pos >= max) throw new Fault(status, `${wire} longer than ${max - 1} octets`);
    this.pos = nul + 1;
    return nul === pos ? '' : buf.toString('latin1', pos, nul);
  }

  rest(): boolean {
    return this.pos < this.buf.length;
  }
}

function readTlvs(c: Cursor): TlvMap {
  const tlvs: TlvMap = new Map();
  const { buf } = c;
  const end = buf.length;
  let pos = c.pos;
  while (pos < end) {
    if (end - pos < 4) {
      throw new Fault(Status.ESME_RINVOPTPARSTREAM, `${end - pos} trailing octets cannot hold a TLV`);
    }
    const tag = buf.readUInt16BE(pos);
    const len = buf.readUInt16BE(pos + 2);
    pos += 4;
    if (pos + len > end) {
      throw new Fault(Status.ESME_RINVOPTPARSTREAM, `TLV 0x${tag.toString(16)} length ${len} runs past the PDU`);
    }
    const fixed = FIXED_TLV_LENGTH.get(tag);
    if (fixed !== undefined && fixed !== len) {
      throw new Fault(Status.ESME_RINVPARLEN, `TLV 0x${tag.toString(16)} must be ${fixed} octets, got ${len}`);
    }
    tlvs.set(tag, buf.subarray(pos, pos + len));
    pos += len;
  }
  c.pos = pos;
  return tlvs;
}

function checkSar(tlvs: TlvMap): void {
  if (tlvs.size === 0) return;
  const n =
    (tlvs.has(Tlv.sar_msg_ref_num) ? 1 : 0) +
    (tlvs.has(Tlv.sar_total_segments) ? 1 : 0) +
    (tlvs.has(Tlv.sar_segment_seqnum) ? 1 : 0);
  if (n !== 0 && n !== 3) {
    throw new Fault(Status.ESME_RMISSINGOPTPARAM, 'sar_msg_ref_num, sar_total_segments and sar_segment_seqnum go together');
  }
}

const BIND_BY_ID = new Map<number, BindCommand>([
  [CommandId.bind_receiver, 'bind_receiver'],
  [CommandId.bind_transmitter, 'bind_transmitter'],
  [CommandId.bind_transceiver, 'bind_transceiver'],
]);
const BIND_RESP_BY_ID = new Map<number, BindRespCommand>([
  [CommandId.bind_receiver_resp, 'bind_receiver_resp'],
  [CommandId.bind_transmitter_resp, 'bind_transmitter_resp'],
  [CommandId.bind_transceiver_resp, 'bind_transceiver_resp'],
]);
const MESSAGE_ID_RESP_BY_ID = new Map<number, MessageIdRespCommand>([
  [CommandId.submit_sm_resp, 'submit_sm_resp'],
  [CommandId.deliver_sm_resp, 'deliver_sm_resp'],
  [CommandId.data_sm_resp, 'data_sm_resp'],
]);
const HEADER_ONLY_BY_ID = new Map<number, HeaderOnlyCommand>([
  [CommandId.enquire_link, 'enquire_link'],
  [CommandId.enquire_link_resp, 'enquire_link_resp'],
  [CommandId.unbind, 'unbind'],
  [CommandId.unbind_resp, 'unbind_resp'],
  [CommandId.generic_nack, 'generic_nack'],
]);

function decodeBody(frame: Buffer, commandId: number, status: number, sequence: number): Pdu {
  const c = new Cursor(frame, HEADER_LENGTH);
  switch (commandId) {
    case CommandId.submit_sm:
    case CommandId.deliver_sm: {
      const serviceType = c.cstr(CStringField.serviceType);
      const sourceAddrTon = c.u8('source_addr_ton');
      const sourceAddrNpi = c.u8('source_addr_npi');
      const sourceAddr = c.cstr(CStringField.sourceAddr);
      const destAddrTon = c.u8('dest_addr_ton');
      const destAddrNpi = c.u8('dest_addr_npi');
      const destinationAddr = c.cstr(CStringField.destinationAddr);
      const esmClass = c.u8('esm_class');
      const protocolId = c.u8('protocol_id');
      const priorityFlag = c.u8('priority_flag');
      const scheduleDeliveryTime = c.time(TimeField.scheduleDeliveryTime);
      const validityPeriod = c.time(TimeField.validityPeriod);
      const registeredDelivery = c.u8('registered_delivery');
      const replaceIfPresentFlag = c.u8('replace_if_present_flag');
      const dataCoding = c.u8('data_coding');
      const smDefaultMsgId = c.u8('sm_default_msg_id');
      const smLength = c.u8('sm_length');
      if (smLength > MAX_SHORT_MESSAGE) {
        throw new Fault(Status.ESME_RINVMSGLEN, `sm_length ${smLength} exceeds ${MAX_SHORT_MESSAGE}`);
      }
      if (c.pos + smLength > frame.length) {
        throw new Fault(Status.ESME_RINVMSGLEN, `sm_length ${smLength} exceeds the ${frame.length - c.pos} octets left`);
      }
      const shortMessage = frame.subarray(c.pos, c.pos + smLength);
      c.pos += smLength;
      const tlvs = readTlvs(c);
      checkSar(tlvs);
      return {
        command: commandId === CommandId.submit_sm ? 'submit_sm' : 'deliver_sm',
        commandId,
        status,
        sequence,
        tlvs,
        serviceType,
        sourceAddrTon,
        sourceAddrNpi,
        sourceAddr,
        destAddrTon,
        destAddrNpi,
        destinationAddr,
        esmClass,
        protocolId,
        priorityFlag,
        scheduleDeliveryTime,
        validityPeriod,
        registeredDelivery,
        replaceIfPresentFlag,
        dataCoding,
        smDefaultMsgId,
        shortMessage,
      };
    }
    case CommandId.submit_sm_resp:
    case CommandId.deliver_sm_resp:
    case CommandId.data_sm_resp: {
      const command = MESSAGE_ID_RESP_BY_ID.get(commandId)!;
      if (!c.rest()) return { command, commandId, status, sequence, tlvs: new Map() };
      const messageId = c.cstr(CStringField.messageId);
      const tlvs = readTlvs(c);
      return { command, commandId, status, sequence, tlvs, messageId };
    }
    case CommandId.data_sm: {
      const serviceType = c.cstr(CStringField.serviceType);
      const sourceAddrTon = c.u8('source_addr_ton');
      const sourceAddrNpi = c.u8('source_addr_npi');
      const sourceAddr = c.cstr(CStringField.dataSmSourceAddr);
      const destAddrTon = c.u8('dest_addr_ton');
      const destAddrNpi = c.u8('dest_addr_npi');
      const destinationAddr = c.cstr(CStringField.dataSmDestinationAddr);
      const esmClass = c.u8('esm_class');
      const registeredDelivery = c.u8('registered_delivery');
      const dataCoding = c.u8('data_coding');
      const tlvs = readTlvs(c);
      checkSar(tlvs);
      return {
        command: 'data_sm',
        commandId,
        status,
        sequence,
        tlvs,
        serviceType,
        sourceAddrTon,
        sourceAddrNpi,
        sourceAddr,
        destAddrTon,
        destAddrNpi,
        destinationAddr,
        esmClass,
        registeredDelivery,
        dataCoding,
      };
    }
    case CommandId.bind_receiver:
    case CommandId.bind_transmitter:
    case CommandId.bind_transceiver: {
      const systemId = c.cstr(CStringField.systemId);
      const password = c.cstr(CStringField.password);
      const systemType = c.cstr(CStringField.systemType);
      const interfaceVersion = c.u8('interface_version');
      const addrTon = c.u8('addr_ton');
      const addrNpi = c.u8('addr_npi');
      const addressRange = c.cstr(CStringField.addressRange);
      const tlvs = readTlvs(c);
      return {
        command: BIND_BY_ID.get(commandId)!,
        commandId,
        status,
        sequence,
        tlvs,
        systemId,
        password,
        systemType,
        interfaceVersion,
        addrTon,
        addrNpi,
        addressRange,
      };
    }
    case CommandId.bind_receiver_resp:
    case CommandId.bind_transmitter_resp:
    case CommandId.bind_transceiver_resp: {
      const command = BIND_RESP_BY_ID.get(commandId)!;
      if (!c.rest()) return { command, commandId, status, sequence, tlvs: new Map() };
      const systemId = c.cstr(CStringField.systemId);
      const tlvs = readTlvs(c);
      return { command, commandId, status, sequence, tlvs, systemId };
    }
    case CommandId.enquire_link:
    case CommandId.enquire_link_resp:
    case CommandId.unbind:
    case CommandId.unbind_resp:
    case CommandId.generic_nack: {
      if (c.rest()) throw new Fault(Status.ESME_RINVCMDLEN, `${frame.length - HEADER_LENGTH} octets of body where none belong`);
      const command = HEADER_ONLY_BY_ID.get(commandId)!;
      return { command, commandId, status, sequence, tlvs: new Map() } as Pdu;
    }
    default:
      return { command: 'unknown', commandId, status, sequence, tlvs: new Map(), body: frame.subarray(HEADER_LENGTH) };
  }
}

/** `frame` is exactly one PDU (what the framer yields). Buffers in the result are views into it. */
export function decodePdu(frame: Buffer): DecodeResult {
  try {
    if (frame.length < HEADER_LENGTH) {
      const commandId = frame.length >= 8 ? frame.readUInt32BE(4) : 0;
      return { ok: false, status: Status.ESME_RINVCMDLEN, sequence: 0, commandId, reason: `frame of ${frame.length} octets is shorter than the header` };
    }
    const commandLength = frame.readUInt32BE(0);
    const commandId = frame.readUInt32BE(4);
    const status = frame.readUInt32BE(8);
    const sequence = frame.readUInt32BE(12);
    if (commandLength !== frame.length) {
      return { ok: false, status: Status.ESME_RINVCMDLEN, sequence, commandId, reason: `command_length ${commandLength} but frame has ${frame.length} octets` };
    }
    try {
      return { ok: true, pdu: decodeBody(frame, commandId, status, sequence) };
    } catch (err) {
      if (err instanceof Fault) return { ok: false, status: err.status, sequence, commandId, reason: err.reason };
      return { ok: false, status: Status.ESME_RSYSERR, sequence, commandId, reason: String(err) };
    }
  } catch (err) {
    return { ok: false, status: Status.ESME_RSYSERR, sequence: 0, commandId: 0, reason: String(err) };
  }
}
