/** The typed PDUs: a union discriminated on `command`, mandatory fields in camelCase, TLVs raw. */
import type { TlvMap } from './tlv.js';

export interface PduHeader {
  commandId: number;
  /** command_status; 0 in requests. */
  status: number;
  sequence: number;
  tlvs: TlvMap;
}

export type BindMode = 'receiver' | 'transmitter' | 'transceiver';
export type BindCommand = `bind_${BindMode}`;
export type BindRespCommand = `${BindCommand}_resp`;

export interface BindFields {
  systemId: string;
  password: string;
  systemType: string;
  interfaceVersion: number;
  addrTon: number;
  addrNpi: number;
  addressRange: string;
}

export interface BindPdu extends PduHeader, BindFields {
  command: BindCommand;
}

export interface BindRespPdu extends PduHeader {
  command: BindRespCommand;
  /** Absent when the peer sent no body (allowed when status ≠ 0). */
  systemId?: string;
}

/** The mandatory part shared by submit_sm and deliver_sm (§4.4.1, §4.6.1). */
export interface ShortMessageFields {
  serviceType: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
  esmClass: number;
  protocolId: number;
  priorityFlag: number;
  /** '' or the 16-character absolute/relative time format (§7.1.1). */
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  replaceIfPresentFlag: number;
  dataCoding: number;
  smDefaultMsgId: number;
  /** Raw octets, never decoded by data_coding here; sm_length is derived from it. At most 254. */
  shortMessage: Buffer;
}

export interface SubmitSmPdu extends PduHeader, ShortMessageFields {
  command: 'submit_sm';
}

export interface DeliverSmPdu extends PduHeader, ShortMessageFields {
  command: 'deliver_sm';
}

export type MessageIdRespCommand = 'submit_sm_resp' | 'deliver_sm_resp' | 'data_sm_resp';

export interface MessageIdRespPdu extends PduHeader {
  command: MessageIdRespCommand;
  /** Absent when the peer sent no body (allowed when status ≠ 0, §4.4.2). */
  messageId?: string;
}

export interface DataSmFields {
  serviceType: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
  esmClass: number;
  registeredDelivery: number;
  dataCoding: number;
}

export interface DataSmPdu extends PduHeader, DataSmFields {
  command: 'data_sm';
}

export type HeaderOnlyCommand = 'enquire_link' | 'enquire_link_resp' | 'unbind' | 'unbind_resp' | 'generic_nack';

export interface HeaderOnlyPdu<C extends HeaderOnlyCommand = HeaderOnlyCommand> extends PduHeader {
  command: C;
}

/** Any command this codec does not model (query_sm, outbind, submit_multi, vendor ids …), body kept raw. */
export interface UnknownPdu extends PduHeader {
  command: 'unknown';
  body: Buffer;
}

export type Pdu =
  | BindPdu
  | BindRespPdu
  | SubmitSmPdu
  | DeliverSmPdu
  | MessageIdRespPdu
  | DataSmPdu
  | HeaderOnlyPdu<'enquire_link'>
  | HeaderOnlyPdu<'enquire_link_resp'>
  | HeaderOnlyPdu<'unbind'>
  | HeaderOnlyPdu<'unbind_resp'>
  | HeaderOnlyPdu<'generic_nack'>
  | UnknownPdu;

export type PduCommand = Pdu['command'];

export type RequestPdu =
  | BindPdu
  | SubmitSmPdu
  | DeliverSmPdu
  | DataSmPdu
  | HeaderOnlyPdu<'enquire_link'>
  | HeaderOnlyPdu<'unbind'>;

type HeaderKey = 'commandId' | 'status' | 'sequence' | 'tlvs';

/**
 * A PDU as callers write it: header fields optional (command_id follows from `command`, status and
 * sequence default to 0, no TLVs). An unknown PDU must still say its command_id.
 */
export type PduInit<P extends Pdu = Pdu> = P extends UnknownPdu
  ? Omit<P, Exclude<HeaderKey, 'commandId'>> & Partial<Pick<P, Exclude<HeaderKey, 'commandId'>>>
  : P extends unknown
    ? Omit<P, HeaderKey> & Partial<Pick<P, HeaderKey>>
    : never;

export type RequestInit = PduInit<RequestPdu>;

/** What a request handler answers; the session turns it into the matching *_resp. */
export interface ResponseFields {
  status: number;
  /** submit_sm_resp / deliver_sm_resp / data_sm_resp. */
  messageId?: string;
  /** bind_*_resp: our system_id. */
  systemId?: string;
  tlvs?: TlvMap;
}

export type DecodeResult =
  | { ok: true; pdu: Pdu }
  | {
      ok: false;
      /** The command_status to answer the peer with. */
      status: number;
      /** The peer's sequence (0 when the header itself was unreadable). */
      sequence: number;
      commandId: number;
      reason: string;
    };
