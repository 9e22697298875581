/** The ESME side: connects to an SMSC over TCP or TLS and binds, handing back a bound Session or a coded failure. */
import net from 'node:net';
import tls from 'node:tls';
import { Status } from './command-status.js';
import { BindRejectedError, ConnectError, PduEncodeError } from './errors.js';
import { encodePdu } from './pdu-encode.js';
import type { BindMode, BindPdu, PduInit } from './pdu-types.js';
import { createSession, type RequestHandler, type Session, type SessionOptions } from './session.js';

export interface BindOptions {
  host: string;
  port: number;
  /** Certificate verification is on unless rejectUnauthorized is false. */
  tls?: false | { ca?: string | Buffer; rejectUnauthorized?: boolean; servername?: string };
  mode: BindMode;
  systemId: string;
  password: string;
  systemType?: string;
  /** Default 0x34 (SMPP 3.4). */
  interfaceVersion?: number;
  addrTon?: number;
  addrNpi?: number;
  addressRange?: string;
  /** TCP connect plus TLS handshake; default 10 s. */
  connectTimeoutMs?: number;
  /** Wait for bind_resp; default session.responseTimeoutMs. */
  bindTimeoutMs?: number;
}

export interface BindSessionOptions extends BindOptions {
  session: SessionOptions;
  /**
   * Registered before the bind goes out, so a deliver_sm the SMSC sends right behind bind_resp
   * finds a handler; without one it is answered ESME_RX_T_APPN and the SMSC retries it later.
   */
  onRequest?: RequestHandler;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

function connect(opts: BindOptions): Promise<net.Socket> {
  const timeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const where = `${opts.host}:${opts.port}`;
  return new Promise((resolve, reject) => {
    const tlsOpts = opts.tls || undefined;
    const socket: net.Socket = tlsOpts
      ? tls.connect({
          host: opts.host,
          port: opts.port,
          ca: tlsOpts.ca,
          rejectUnauthorized: tlsOpts.rejectUnauthorized ?? true,
          servername: tlsOpts.servername,
        })
      : net.connect({ host: opts.host, port: opts.port });
    let tcpUp = false;
    const phase = (): 'connect' | 'tls' => (tlsOpts && tcpUp ? 'tls' : 'connect');
    const fail = (err: ConnectError): void => {
      clearTimeout(timer);
      socket.off('error', onError);
      // A late error from a socket we gave up on must not become an uncaught exception.
      socket.on('error', () => {});
      socket.destroy();
      reject(err);
    };
    const onError = (err: Error): void =>
      fail(new ConnectError(phase(), `${phase() === 'tls' ? 'TLS handshake with' : 'connect to'} ${where} failed: ${err.message}`, { cause: err }));
    const timer = setTimeout(
      () => fail(new ConnectError(phase(), `${phase() === 'tls' ? 'TLS handshake with' : 'connect to'} ${where} timed out after ${timeoutMs}ms`)),
      timeoutMs,
    );
    socket.once('connect', () => {
      tcpUp = true;
    });
    socket.once('error', onError);
    socket.once(tlsOpts ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

/** Connects and binds. Rejects with ConnectError, BindRejectedError, or PduEncodeError for unsendable credentials. */
export async function bindSession(opts: BindSessionOptions): Promise<Session> {
  const bind: PduInit<BindPdu> = {
    command: `bind_${opts.mode}`,
    systemId: opts.systemId,
    password: opts.password,
    systemType: opts.systemType ?? '',
    interfaceVersion: opts.interfaceVersion ?? 0x34,
    addrTon: opts.addrTon ?? 0,
    addrNpi: opts.addrNpi ?? 0,
    addressRange: opts.addressRange ?? '',
  };
  // Credentials that cannot be encoded are a configuration error: say so before dialling.
  encodePdu(bind);

  const socket = await connect(opts);
  const session = createSession(socket, opts.session);
  if (opts.onRequest) session.onRequest(opts.onRequest);

  const bindTimeoutMs = opts.bindTimeoutMs ?? opts.session.responseTimeoutMs;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    session.close('local');
  }, bindTimeoutMs);
  try {
    const resp = await session.request(bind);
    if (resp.status !== 0 || resp.command !== `${bind.command}_resp`) {
      session.close('local');
      // A generic_nack with status 0 is no acceptance; report it as the generic bind failure.
      throw new BindRejectedError(resp.status !== 0 ? resp.status : Status.ESME_RBINDFAIL);
    }
    return session;
  } catch (err) {
    session.close('local');
    if (err instanceof BindRejectedError || err instanceof PduEncodeError) throw err;
    const message = timedOut
      ? `no bind_resp from ${opts.host}:${opts.port} within ${bindTimeoutMs}ms`
      : `bind to ${opts.host}:${opts.port} failed: ${err instanceof Error ? err.message : String(err)}`;
    throw new ConnectError('bind', message, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
