/** Encodes a PDU into one exactly-sized buffer, written in place; refuses values the wire cannot carry. */
import { CommandId } from './command-id.js';
import { PduEncodeError } from './errors.js';
import {
  CStringField,
  HEADER_LENGTH,
  MAX_SHORT_MESSAGE,
  TIME_LENGTH,
  TimeField,
  type CStringFieldSpec,
  type TimeFieldSpec,
} from './pdu-fields.js';
import type { BindFields, DataSmFields, PduInit, ShortMessageFields } from './pdu-types.js';
import type { TlvMap } from './tlv.js';

/** Octets a C-Octet String takes, NUL included; throws when it cannot be one. */
function cstrSize(wire: string, s: string, max: number): number {
  if (typeof s !== 'string') throw new PduEncodeError(wire, 'must be a string');
  if (s.length > max - 1) throw new PduEncodeError(wire, `longer than ${max - 1} characters`);
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    // NUL would end the field early on the wire; above 0xFF latin1 would silently drop the high byte.
    if (ch === 0 || ch > 0xff) throw new PduEncodeError(wire, `character U+${ch.toString(16).padStart(4, '0')} at ${i} cannot be sent`);
  }
  return s.length + 1;
}

function fieldSize(spec: CStringFieldSpec, s: string): number {
  return cstrSize(spec.wire, s, spec.max);
}

function timeSize(spec: TimeFieldSpec, s: string): number {
  const n = cstrSize(spec.wire, s, TIME_LENGTH + 1);
  if (n !== 1 && n !== TIME_LENGTH + 1) throw new PduEncodeError(spec.wire, `must be empty or ${TIME_LENGTH} characters`);
  return n;
}

function checkU8(wire: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new PduEncodeError(wire, `${v} is not an octet`);
}

function checkU32(wire: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new PduEncodeError(wire, `${v} is not a 32-bit unsigned integer`);
}

function tlvSize(tlvs: TlvMap | undefined): number {
  if (!tlvs || tlvs.size === 0) return 0;
  let n = 0;
  for (const [tag, value] of tlvs) {
    if (!Number.isInteger(tag) || tag < 0 || tag > 0xffff) throw new PduEncodeError('tlv', `tag ${tag} is not 16-bit`);
    if (value.length > 0xffff) throw new PduEncodeError('tlv', `value of 0x${tag.toString(16)} longer than 65535 octets`);
    n += 4 + value.length;
  }
  return n;
}

function putCStr(buf: Buffer, pos: number, s: string): number {
  const n = s.length === 0 ? 0 : buf.write(s, pos, 'latin1');
  buf[pos + n] = 0;
  return pos + n + 1;
}

function putTlvs(buf: Buffer, pos: number, tlvs: TlvMap | undefined): number {
  if (!tlvs) return pos;
  for (const [tag, value] of tlvs) {
    buf.writeUInt16BE(tag, pos);
    buf.writeUInt16BE(value.length, pos + 2);
    pos += 4;
    if (value.length > 0) pos += value.copy(buf, pos);
  }
  return pos;
}

function alloc(length: number, commandId: number, status: number, sequence: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  buf.writeUInt32BE(length, 0);
  buf.writeUInt32BE(commandId, 4);
  buf.writeUInt32BE(status, 8);
  buf.writeUInt32BE(sequence, 12);
  return buf;
}

/** One-octet integers in submit_sm/deliver_sm: ton/npi ×2, esm_class, protocol_id, priority_flag, registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id, sm_length. */
const SM_OCTETS = 12;

function encodeSm(p: ShortMessageFields, commandId: number, status: number, sequence: number, tlvs: TlvMap | undefined): Buffer {
  checkU8('source_addr_ton', p.sourceAddrTon);
  checkU8('source_addr_npi', p.sourceAddrNpi);
  checkU8('dest_addr_ton', p.destAddrTon);
  checkU8('dest_addr_npi', p.destAddrNpi);
  checkU8('esm_class', p.esmClass);
  checkU8('protocol_id', p.protocolId);
  checkU8('priority_flag', p.priorityFlag);
  checkU8('registered_delivery', p.registeredDelivery);
  checkU8('replace_if_present_flag', p.replaceIfPresentFlag);
  checkU8('data_coding', p.dataCoding);
  checkU8('sm_default_msg_id', p.smDefaultMsgId);
  const sm = p.shortMessage;
  if (sm.length > MAX_SHORT_MESSAGE) {
    throw new PduEncodeError(
      'short_message',
      `${sm.length} octets exceed ${MAX_SHORT_MESSAGE}; send longer content in the message_payload TLV`,
    );
  }
  const length =
    HEADER_LENGTH +
    fieldSize(CStringField.serviceType, p.serviceType) +
    fieldSize(CStringField.sourceAddr, p.sourceAddr) +
    fieldSize(CStringField.destinationAddr, p.destinationAddr) +
    timeSize(TimeField.scheduleDeliveryTime, p.scheduleDeliveryTime) +
    timeSize(TimeField.validityPeriod, p.validityPeriod) +
    SM_OCTETS +
    sm.length +
    tlvSize(tlvs);
  const buf = alloc(length, commandId, status, sequence);
  let pos = putCStr(buf, HEADER_LENGTH, p.serviceType);
  buf[pos++] = p.sourceAddrTon;
  buf[pos++] = p.sourceAddrNpi;
  pos = putCStr(buf, pos, p.sourceAddr);
  buf[pos++] = p.destAddrTon;
  buf[pos++] = p.destAddrNpi;
  pos = putCStr(buf, pos, p.destinationAddr);
  buf[pos++] = p.esmClass;
  buf[pos++] = p.protocolId;
  buf[pos++] = p.priorityFlag;
  pos = putCStr(buf, pos, p.scheduleDeliveryTime);
  pos = putCStr(buf, pos, p.validityPeriod);
  buf[pos++] = p.registeredDelivery;
  buf[pos++] = p.replaceIfPresentFlag;
  buf[pos++] = p.dataCoding;
  buf[pos++] = p.smDefaultMsgId;
  buf[pos++] = sm.length;
  if (sm.length > 0) pos += sm.copy(buf, pos);
  putTlvs(buf, pos, tlvs);
  return buf;
}

/** One-octet integers in data_sm: ton/npi ×2, esm_class, registered_delivery, data_coding. */
const DATA_SM_OCTETS = 7;

function encodeDataSm(p: DataSmFields, commandId: number, status: number, sequence: number, tlvs: TlvMap | undefined): Buffer {
  checkU8('source_addr_ton', p.sourceAddrTon);
  checkU8('source_addr_npi', p.sourceAddrNpi);
  checkU8('dest_addr_ton', p.destAddrTon);
  checkU8('dest_addr_npi', p.destAddrNpi);
  checkU8('esm_class', p.esmClass);
  checkU8('registered_delivery', p.registeredDelivery);
  checkU8('data_coding', p.dataCoding);
  const length =
    HEADER_LENGTH +
    fieldSize(CStringField.serviceType, p.serviceType) +
    fieldSize(CStringField.dataSmSourceAddr, p.sourceAddr) +
    fieldSize(CStringField.dataSmDestinationAddr, p.destinationAddr) +
    DATA_SM_OCTETS +
    tlvSize(tlvs);
  const buf = alloc(length, commandId, status, sequence);
  let pos = putCStr(buf, HEADER_LENGTH, p.serviceType);
  buf[pos++] = p.sourceAddrTon;
  buf[pos++] = p.sourceAddrNpi;
  pos = putCStr(buf, pos, p.sourceAddr);
  buf[pos++] = p.destAddrTon;
  buf[pos++] = p.destAddrNpi;
  pos = putCStr(buf, pos, p.destinationAddr);
  buf[pos++] = p.esmClass;
  buf[pos++] = p.registeredDelivery;
  buf[pos++] = p.dataCoding;
  putTlvs(buf, pos, tlvs);
  return buf;
}

function encodeBind(p: BindFields, commandId: number, status: number, sequence: number, tlvs: TlvMap | undefined): Buffer {
  checkU8('interface_version', p.interfaceVersion);
  checkU8('addr_ton', p.addrTon);
  checkU8('addr_npi', p.addrNpi);
  const length =
    HEADER_LENGTH +
    fieldSize(CStringField.systemId, p.systemId) +
    fieldSize(CStringField.password, p.password) +
    fieldSize(CStringField.systemType, p.systemType) +
    3 +
    fieldSize(CStringField.addressRange, p.addressRange) +
    tlvSize(tlvs);
  const buf = alloc(length, commandId, status, sequence);
  let pos = putCStr(buf, HEADER_LENGTH, p.systemId);
  pos = putCStr(buf, pos, p.password);
  pos = putCStr(buf, pos, p.systemType);
  buf[pos++] = p.interfaceVersion;
  buf[pos++] = p.addrTon;
  buf[pos++] = p.addrNpi;
  pos = putCStr(buf, pos, p.addressRange);
  putTlvs(buf, pos, tlvs);
  return buf;
}

/**
 * A response whose body is one C-string (message_id, or system_id for bind responses). When the
 * status is an error and the caller gave neither the field nor TLVs, the body is left out, as the
 * spec allows (§4.4.2); otherwise an absent field goes out empty.
 */
function encodeOneStringResp(
  spec: CStringFieldSpec,
  value: string | undefined,
  commandId: number,
  status: number,
  sequence: number,
  tlvs: TlvMap | undefined,
): Buffer {
  if (value === undefined && status !== 0 && (!tlvs || tlvs.size === 0)) {
    return alloc(HEADER_LENGTH, commandId, status, sequence);
  }
  const s = value ?? '';
  const buf = alloc(HEADER_LENGTH + fieldSize(spec, s) + tlvSize(tlvs), commandId, status, sequence);
  putTlvs(buf, putCStr(buf, HEADER_LENGTH, s), tlvs);
  return buf;
}

export function encodePdu(pdu: PduInit): Buffer {
  return encodePduAs(pdu, pdu.status ?? 0, pdu.sequence ?? 0);
}

/** A header with no body: the answers the session writes without a PDU object at hand. */
export function encodeHeader(commandId: number, status: number, sequence: number): Buffer {
  return alloc(HEADER_LENGTH, commandId >>> 0, status >>> 0, sequence >>> 0);
}

/** encodePdu with status and sequence given apart, so the session need not copy the caller's object. */
export function encodePduAs(pdu: PduInit, status: number, sequence: number): Buffer {
  const tlvs = pdu.tlvs;
  checkU32('command_status', status);
  checkU32('sequence_number', sequence);
  switch (pdu.command) {
    case 'submit_sm':
    case 'deliver_sm':
      return encodeSm(pdu, CommandId[pdu.command], status, sequence, tlvs);
    case 'submit_sm_resp':
    case 'deliver_sm_resp':
    case 'data_sm_resp':
      return encodeOneStringResp(CStringField.messageId, pdu.messageId, CommandId[pdu.command], status, sequence, tlvs);
    case 'data_sm':
      return encodeDataSm(pdu, CommandId.data_sm, status, sequence, tlvs);
    case 'bind_receiver':
    case 'bind_transmitter':
    case 'bind_transceiver':
      return encodeBind(pdu, CommandId[pdu.command], status, sequence, tlvs);
    case 'bind_receiver_resp':
    case 'bind_transmitter_resp':
    case 'bind_transceiver_resp':
      return encodeOneStringResp(CStringField.systemId, pdu.systemId, CommandId[pdu.command], status, sequence, tlvs);
    case 'enquire_link':
    case 'enquire_link_resp':
    case 'unbind':
    case 'unbind_resp':
    case 'generic_nack':
      if (tlvs && tlvs.size > 0) throw new PduEncodeError('tlvs', `${pdu.command} has no optional parameters`);
      return alloc(HEADER_LENGTH, CommandId[pdu.command], status, sequence);
    case 'unknown': {
      checkU32('command_id', pdu.commandId);
      const buf = alloc(HEADER_LENGTH + pdu.body.length, pdu.commandId, status, sequence);
      pdu.body.copy(buf, HEADER_LENGTH);
      return buf;
    }
    default: {
      const never: never = pdu;
      throw new PduEncodeError('command', `unknown command ${String((never as { command: unknown }).command)}`);
    }
  }
}
