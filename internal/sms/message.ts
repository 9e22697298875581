/** The message as it travels from the edge to a connector: a domain type, free of wire naming. */
export type TextEncoding = 'gsm7' | 'ucs2';
/** How the content goes on the air: GSM 03.38 (data_coding 0), UCS-2 (8), Latin-1 (3), or binary (4, `text` holds hex). */
export type ContentEncoding = TextEncoding | 'latin1' | 'binary';
export const CONTENT_ENCODINGS: readonly ContentEncoding[] = ['gsm7', 'ucs2', 'latin1', 'binary'];

export interface MtMessage {
  /** Our id (UUID). Also the JetStream Nats-Msg-Id, so publish retries are deduplicated. */
  id: string;
  clientId: string;
  clientRef?: string | undefined;
  carrier: string;
  /** E.164 with leading '+'. */
  to: string;
  /** Sender: alphanumeric (≤11) or a number. */
  from: string;
  /** The text, or for `binary` the payload as hex. */
  text: string;
  encoding: ContentEncoding;
  segments: number;
  /** Epoch milliseconds at the edge. */
  acceptedAt: number;
  /** Epoch milliseconds: held in SMS_SCHEDULED until then (absent: sent at once). */
  sendAt?: number | undefined;
  /** Epoch milliseconds: never submitted at or after this instant (final `expired`); the rest goes to the SMSC as validity_period. */
  validUntil?: number | undefined;
  /** Where this message's status callbacks go, instead of its client's callbackUrl. */
  callbackUrl?: string | undefined;
}
