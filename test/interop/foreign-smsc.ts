/**
 * The contract of an SMSC this project did not write, as the interop oracle suite drives it: it captures every
 * submit_sm a real connector sends (the raw body plus the foreign implementation's own decoding), and sends
 * receipts and MO in its own way, resolving with the gateway's deliver_sm_resp status.
 */
import { spawnSync } from 'node:child_process';

/** What the foreign implementation decoded itself; the suite holds each field it gives against the oracle. */
export interface ForeignView {
  esmClass: number;
  dataCoding: number;
  sourceAddr: string;
  destinationAddr: string;
  registeredDelivery: number;
  /** Net::SMPP: short_message as it decoded it. */
  shortMessage?: Buffer;
  /** Net::SMPP: every TLV by tag. */
  tlvs?: Map<number, Buffer>;
  /** npm smpp: its own text decoding of short_message (after its UDH split) or of message_payload. */
  text?: string;
  /** npm smpp: the UDH information elements it split off. */
  udhIes?: Buffer[];
  /** npm smpp: the SAR TLVs as it read them. */
  sar?: { ref: number; total: number; seq: number };
}

export interface Capture {
  /** system_id of the bind it came on: in the suite, the carrier id, so the concat method. */
  systemId: string;
  /** The id the SMSC answered with. */
  messageId: string;
  /** The submit_sm body (after the 16-octet header) as the foreign SMSC read it off the wire. */
  body: Buffer;
  foreign: ForeignView;
}

export type ReceiptFormat = 'tlv' | 'text' | 'both';

export interface ReceiptSpec {
  systemId: string;
  messageId: string;
  format: ReceiptFormat;
  /** Appendix B stat word, for the text. */
  stat: string;
  /** message_state (§5.2.28), for the TLV. */
  state: number;
  /** Network error code; 0 or absent for none. */
  err?: number;
  /** Receipt source (the handset) and destination (the original sender). */
  from: string;
  to: string;
  /** The start of the original text, for the text format's text: field. */
  text?: string;
}

export interface MoPartSpec {
  systemId: string;
  /** International number without '+' (source_addr_ton 1). */
  from: string;
  to: string;
  dataCoding: 0 | 8;
  /** This part's text; an implementation that encodes text itself encodes this. */
  text: string;
  /** This part's content octets, when the part is not whole characters (e.g. half a surrogate pair). */
  content?: Buffer;
  /** A UDH (with its length octet) to put before the content, esm_class UDHI. */
  udh?: Buffer;
  sar?: { ref: number; total: number; seq: number };
}

export interface ForeignSmsc {
  readonly name: string;
  readonly port: number;
  readonly captures: readonly Capture[];
  /** Resolves once every system id has bound. */
  waitBound(systemIds: readonly string[], timeoutMs: number): Promise<void>;
  /** Sends a receipt; resolves with the command_status of the gateway's deliver_sm_resp. */
  sendReceipt(r: ReceiptSpec): Promise<number>;
  /** Sends one MO part; resolves with the command_status of the gateway's deliver_sm_resp. */
  sendMo(p: MoPartSpec): Promise<number>;
  close(): Promise<void>;
}

/** Interop tests never skip: without Net::SMPP they fail and say how to get it. */
export function requireNetSmpp(): void {
  const probe = spawnSync('perl', ['-MNet::SMPP', '-MJSON::PP', '-MIO::Select', '-e', '1'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'The interop tests need Perl with Net::SMPP (an SMSC this project did not write) and it is not installed: ' +
        'run `make test` (scripts/ensure-test-services.sh installs it) or `apt-get install libnet-smpp-perl`. ' +
        `(${probe.error ? probe.error.message : probe.stderr.trim()})`,
    );
  }
}
