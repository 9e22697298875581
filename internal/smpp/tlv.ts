/** SMPP optional parameters (TLVs, §5.3): tags, the raw map PDUs carry, and value readers/writers. */

export const Tlv = {
  dest_addr_subunit: 0x0005,
  dest_network_type: 0x0006,
  dest_bearer_type: 0x0007,
  dest_telematics_id: 0x0008,
  source_addr_subunit: 0x000d,
  source_network_type: 0x000e,
  source_bearer_type: 0x000f,
  source_telematics_id: 0x0010,
  qos_time_to_live: 0x0017,
  payload_type: 0x0019,
  additional_status_info_text: 0x001d,
  receipted_message_id: 0x001e,
  ms_msg_wait_facilities: 0x0030,
  privacy_indicator: 0x0201,
  source_subaddress: 0x0202,
  dest_subaddress: 0x0203,
  user_message_reference: 0x0204,
  user_response_code: 0x0205,
  source_port: 0x020a,
  destination_port: 0x020b,
  sar_msg_ref_num: 0x020c,
  language_indicator: 0x020d,
  sar_total_segments: 0x020e,
  sar_segment_seqnum: 0x020f,
  sc_interface_version: 0x0210,
  callback_num_pres_ind: 0x0302,
  callback_num_atag: 0x0303,
  number_of_messages: 0x0304,
  callback_num: 0x0381,
  dpf_result: 0x0420,
  set_dpf: 0x0421,
  ms_availability_status: 0x0422,
  network_error_code: 0x0423,
  message_payload: 0x0424,
  delivery_failure_reason: 0x0425,
  more_messages_to_send: 0x0426,
  message_state: 0x0427,
  /** SMPP 5.0; 3.4 peers never send it, but it costs nothing to know. */
  congestion_state: 0x0428,
  ussd_service_op: 0x0501,
  display_time: 0x1201,
  sms_signal: 0x1203,
  ms_validity: 0x1204,
  alert_on_message_delivery: 0x130c,
  its_reply_type: 0x1380,
  its_session_info: 0x1383,
} as const;

export type TlvName = keyof typeof Tlv;

/** Raw TLV values by tag. A tag sent twice keeps its last value. */
export type TlvMap = Map<number, Buffer>;

/** message_state values (§5.2.28), used in receipts and query_sm_resp. */
export const MessageState = {
  ENROUTE: 1,
  DELIVERED: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIVERABLE: 5,
  ACCEPTED: 6,
  UNKNOWN: 7,
  REJECTED: 8,
} as const;

export type MessageStateName = keyof typeof MessageState;

/**
 * Value lengths the spec fixes (§5.3.2). A value of another length cannot be read as what the tag
 * says, so decoding rejects it (ESME_RINVPARLEN). Variable-length tags are not checked: real SMSCs
 * send e.g. receipted_message_id without its NUL, and refusing their receipts would lose them.
 */
export const FIXED_TLV_LENGTH: ReadonlyMap<number, number> = new Map<number, number>([
  [Tlv.dest_addr_subunit, 1],
  [Tlv.dest_network_type, 1],
  [Tlv.dest_bearer_type, 1],
  [Tlv.dest_telematics_id, 2],
  [Tlv.source_addr_subunit, 1],
  [Tlv.source_network_type, 1],
  [Tlv.source_bearer_type, 1],
  [Tlv.source_telematics_id, 1],
  [Tlv.qos_time_to_live, 4],
  [Tlv.payload_type, 1],
  [Tlv.ms_msg_wait_facilities, 1],
  [Tlv.privacy_indicator, 1],
  [Tlv.user_message_reference, 2],
  [Tlv.user_response_code, 1],
  [Tlv.source_port, 2],
  [Tlv.destination_port, 2],
  [Tlv.sar_msg_ref_num, 2],
  [Tlv.language_indicator, 1],
  [Tlv.sar_total_segments, 1],
  [Tlv.sar_segment_seqnum, 1],
  [Tlv.sc_interface_version, 1],
  [Tlv.callback_num_pres_ind, 1],
  [Tlv.number_of_messages, 1],
  [Tlv.dpf_result, 1],
  [Tlv.set_dpf, 1],
  [Tlv.ms_availability_status, 1],
  [Tlv.network_error_code, 3],
  [Tlv.delivery_failure_reason, 1],
  [Tlv.more_messages_to_send, 1],
  [Tlv.message_state, 1],
  [Tlv.congestion_state, 1],
  [Tlv.ussd_service_op, 1],
  [Tlv.display_time, 1],
  [Tlv.sms_signal, 2],
  [Tlv.ms_validity, 1],
  [Tlv.alert_on_message_delivery, 0],
  [Tlv.its_reply_type, 1],
  [Tlv.its_session_info, 2],
]);

export function tlvU8(tlvs: TlvMap, tag: number): number | undefined {
  const v = tlvs.get(tag);
  return v && v.length >= 1 ? v[0] : undefined;
}

export function tlvU16(tlvs: TlvMap, tag: number): number | undefined {
  const v = tlvs.get(tag);
  return v && v.length >= 2 ? v.readUInt16BE(0) : undefined;
}

export function tlvU32(tlvs: TlvMap, tag: number): number | undefined {
  const v = tlvs.get(tag);
  return v && v.length >= 4 ? v.readUInt32BE(0) : undefined;
}

/** Reads up to the first NUL, or the whole value when the sender left the NUL out (common in receipts). */
export function tlvCString(tlvs: TlvMap, tag: number): string | undefined {
  const v = tlvs.get(tag);
  if (!v) return undefined;
  const nul = v.indexOf(0);
  return v.toString('latin1', 0, nul < 0 ? v.length : nul);
}

export function u8Value(n: number): Buffer {
  const b = Buffer.allocUnsafe(1);
  b[0] = n & 0xff;
  return b;
}

export function u16Value(n: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(n & 0xffff, 0);
  return b;
}

export function u32Value(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

/** A C-Octet String value: the text in latin1 followed by its NUL. */
export function cStringValue(s: string): Buffer {
  const b = Buffer.allocUnsafe(s.length + 1);
  b.write(s, 0, 'latin1');
  b[s.length] = 0;
  return b;
}
