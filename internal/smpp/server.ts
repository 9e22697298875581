/** The SMSC side: accepts TCP or TLS connections, runs a Session on each, and leaves the bind decision to the caller. */
import net from 'node:net';
import tls from 'node:tls';
import { CommandId } from './command-id.js';
import { Status } from './command-status.js';
import { noopLogger, type Logger } from './logger.js';
import type { BindPdu, Pdu, ResponseFields } from './pdu-types.js';
import { createSession, type Session, type SessionOptions } from './session.js';
import { Tlv, u8Value } from './tlv.js';

export interface SmppServerOptions {
  host?: string;
  /** 0 = a free port; the real one is on the returned server. */
  port: number;
  tls?: { key: string | Buffer; cert: string | Buffer };
  session: SessionOptions;
  /** system_id we answer binds with; default 'smsmesh'. */
  systemId?: string;
  /** The command_status to answer the bind with; 0 accepts. A refused session is closed after the answer. */
  onBind(bind: BindPdu, session: Session): number | Promise<number>;
  /** Called once the accepting bind_resp is written; register the session's request handler here. */
  onSession(session: Session, bind: BindPdu): void;
  log?: Logger;
}

export interface SmppServer {
  readonly port: number;
  /** Stops listening and destroys every session. */
  close(): Promise<void>;
  /** Sessions whose socket is open, bound or not. */
  sessions(): Session[];
}

function isBind(pdu: Pdu): pdu is BindPdu {
  return (
    pdu.commandId === CommandId.bind_receiver ||
    pdu.commandId === CommandId.bind_transmitter ||
    pdu.commandId === CommandId.bind_transceiver
  );
}

export async function createSmppServer(opts: SmppServerOptions): Promise<SmppServer> {
  const log = opts.log ?? noopLogger;
  const live = new Set<Session>();
  const systemId = opts.systemId ?? 'smsmesh';

  function accept(socket: net.Socket): void {
    const session = createSession(socket, { ...opts.session, log: opts.session.log ?? log });
    live.add(session);
    session.onClose(() => live.delete(session));
    let bound: BindPdu | undefined;

    const answer = (bind: BindPdu, status: number): ResponseFields => {
      if (status === 0) bound = bind;
      // Refused: close once the answer has gone out (the respond call follows this return synchronously).
      else setImmediate(() => session.close('local', { flush: true }));
      return { status, systemId, tlvs: new Map([[Tlv.sc_interface_version, u8Value(0x34)]]) };
    };

    session.onRequest((pdu) => {
      // The session only lets bind_* through before it is bound, and onSession replaces this handler.
      if (!isBind(pdu)) return { status: Status.ESME_RINVBNDSTS };
      let verdict: number | Promise<number>;
      try {
        verdict = opts.onBind(pdu, session);
      } catch (err) {
        log.error({ err }, 'smpp onBind threw');
        return answer(pdu, Status.ESME_RBINDFAIL);
      }
      if (typeof verdict === 'number') return answer(pdu, verdict);
      return verdict.then(
        (status) => answer(pdu, status),
        (err: unknown) => {
          log.error({ err }, 'smpp onBind failed');
          return answer(pdu, Status.ESME_RBINDFAIL);
        },
      );
    });
    session.onBound(() => {
      if (!bound) return;
      try {
        opts.onSession(session, bound);
      } catch (err) {
        log.error({ err }, 'smpp onSession threw; closing the session');
        session.close('local');
      }
    });
  }

  const server: net.Server = opts.tls
    ? tls.createServer({ key: opts.tls.key, cert: opts.tls.cert }, accept)
    : net.createServer(accept);
  server.on('tlsClientError', (err: Error) => log.debug({ err }, 'smpp TLS handshake failed'));
  server.on('error', (err: Error) => log.error({ err }, 'smpp server error'));

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;

  return {
    port,
    sessions: () => [...live],
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of live) s.close('local');
      });
    },
  };
}
