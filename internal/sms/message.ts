/** The message as it travels from the edge to a connector: a domain type, free of wire naming. */
export type TextEncoding = 'gsm7' | 'ucs2';

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
  text: string;
  encoding: TextEncoding;
  segments: number;
  /** Epoch milliseconds at the edge. */
  acceptedAt: number;
}
