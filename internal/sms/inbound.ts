/** An inbound (MO) message part as published on sms.mo.<carrier>: a domain type. */
export interface InboundPart {
  kind: 'mo';
  /** Our id for this part (UUIDv7). */
  id: string;
  carrier: string;
  /** Sender as received, '+' added for international numbers. */
  from: string;
  to: string;
  /** Text decoded from this part's payload (UDH removed). */
  text: string;
  dataCoding: number;
  /** Present when the part is one of a concatenated message (UDH or SAR). */
  concat: { ref: number; total: number; seq: number } | null;
  /** The payload bytes (UDH removed), base64, so that reassembly can decode across part boundaries. */
  payload: string;
  at: number;
}
