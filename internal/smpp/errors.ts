/** The coded errors of the SMPP layer; callers tell them apart by `instanceof` or `code`. */
import { AppError } from '../core/errors.js';
import { statusName } from './command-status.js';

export const SmppErrorCode = {
  SESSION_CLOSED: 'SESSION_CLOSED',
  RESPONSE_TIMEOUT: 'RESPONSE_TIMEOUT',
  WINDOW_FULL: 'WINDOW_FULL',
  MALFORMED_RESPONSE: 'MALFORMED_RESPONSE',
  PDU_ENCODE: 'PDU_ENCODE',
  BIND_REJECTED: 'BIND_REJECTED',
  CONNECT_FAILED: 'CONNECT_FAILED',
} as const;

export type SmppErrorCodeValue = (typeof SmppErrorCode)[keyof typeof SmppErrorCode];

/** The session closed before the response came: whether the peer acted on the request is unknown. */
export class SessionClosedError extends AppError {
  override readonly name = 'SessionClosedError';
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(SmppErrorCode.SESSION_CLOSED, `smpp session closed (${reason})`, options);
  }
}

/** No response within responseTimeoutMs: whether the peer acted on the request is unknown. */
export class ResponseTimeoutError extends AppError {
  override readonly name = 'ResponseTimeoutError';
  constructor(
    readonly commandId: number,
    readonly sequence: number,
    timeoutMs: number,
  ) {
    super(
      SmppErrorCode.RESPONSE_TIMEOUT,
      `no response to command 0x${commandId.toString(16)} seq ${sequence} within ${timeoutMs}ms`,
    );
  }
}

export class WindowFullError extends AppError {
  override readonly name = 'WindowFullError';
  constructor(windowSize: number) {
    super(SmppErrorCode.WINDOW_FULL, `smpp window full (${windowSize} outstanding)`);
  }
}

/**
 * The peer answered, but the response could not be decoded. Like a timeout, whether the peer acted
 * on the request is unknown; unlike a timeout, the caller learns it at once.
 */
export class MalformedResponseError extends AppError {
  override readonly name = 'MalformedResponseError';
  constructor(
    readonly commandId: number,
    readonly sequence: number,
    reason: string,
  ) {
    super(SmppErrorCode.MALFORMED_RESPONSE, `malformed response 0x${commandId.toString(16)} seq ${sequence}: ${reason}`);
  }
}

/** A PDU that cannot be put on the wire as given (field too long, value out of range): a caller bug. */
export class PduEncodeError extends AppError {
  override readonly name = 'PduEncodeError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(SmppErrorCode.PDU_ENCODE, `${field}: ${message}`);
  }
}

/** The SMSC answered the bind with a non-zero status (0x0E/0x0F: bad credentials). */
export class BindRejectedError extends AppError {
  override readonly name = 'BindRejectedError';
  constructor(readonly status: number) {
    super(SmppErrorCode.BIND_REJECTED, `bind rejected: ${statusName(status)}`);
  }
}

/** TCP connect, TLS handshake or bind exchange did not complete; `phase` says which. */
export class ConnectError extends AppError {
  override readonly name = 'ConnectError';
  constructor(
    readonly phase: 'connect' | 'tls' | 'bind',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(SmppErrorCode.CONNECT_FAILED, message, options);
  }
}
