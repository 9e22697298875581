/** The few parts of the npm `smpp` package (no types of its own) that the interop tests drive as a foreign peer. */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer } from 'node:net';

  type PduCallback = (pdu: PDU) => void;

  export interface PDU {
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    /** Mandatory fields and TLVs by their spec names. */
    [field: string]: unknown;
    response(options?: Record<string, unknown>): PDU;
    isResponse(): boolean;
  }

  export interface Session extends EventEmitter {
    send(pdu: PDU, responseCallback?: PduCallback): boolean;
    bind_transceiver(options: Record<string, unknown>, responseCallback?: PduCallback): boolean;
    bind_transmitter(options: Record<string, unknown>, responseCallback?: PduCallback): boolean;
    submit_sm(options: Record<string, unknown>, responseCallback?: PduCallback): boolean;
    enquire_link(options?: Record<string, unknown>, responseCallback?: PduCallback): boolean;
    unbind(options?: Record<string, unknown>, responseCallback?: PduCallback): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
  }

  export interface Server extends NetServer {
    sessions: Session[];
  }

  interface Smpp {
    createServer(options: Record<string, unknown>, listener: (session: Session) => void): Server;
    createServer(listener: (session: Session) => void): Server;
    connect(options: { url?: string; host?: string; port?: number; auto_enquire_link_period?: number }, listener?: () => void): Session;
    ESME_ROK: number;
    ESME_RINVPASWD: number;
  }

  const smpp: Smpp;
  export default smpp;
}
