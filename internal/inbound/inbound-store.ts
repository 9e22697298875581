/** The port through which reassembled inbound (MO) messages are stored. */
export interface InboundMessage {
  /** The id of the message's first part: stable across redeliveries, so storing twice is a no-op. */
  id: string;
  carrier: string;
  from: string;
  to: string;
  text: string;
  dataCoding: number;
  /** Parts joined into this message (fewer than announced when a group expired incomplete). */
  parts: number;
  receivedAt: number;
  /** The client the inbound routes gave it; null when none matched. */
  clientId: string | null;
}

export interface InboundStore {
  /** MUST be idempotent by id. */
  record(messages: readonly InboundMessage[]): Promise<void>;
}
