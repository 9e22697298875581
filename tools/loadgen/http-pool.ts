/**
 * A lean keep-alive HTTP/1.1 client for the load generator: a pool of sockets per target, one request at a
 * time per socket (no pipelining, like k6 and browsers), each request written with one write(2), and a
 * response parser that reads only the status, Content-Length / chunked framing and the body.
 *
 * node:http's client cost the generator ~0.15 CPU-s per 1,000 requests, on the same two cores as the
 * system it measures; every CPU-second it spends is taken from the gateway.
 */
import { connect, type Socket } from 'node:net';

export interface HttpResult {
  status: number;
  body: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Path with query. */
  path: string;
  /** Extra header lines, each `name: value`; Host, Content-Length and Connection are added. */
  headers: string[];
  body?: string;
}

type Done = (err: Error | undefined, res?: HttpResult) => void;

interface Conn {
  socket: Socket;
  done: Done | undefined;
  timer: NodeJS.Timeout | undefined;
  buf: Buffer;
  /** Why the socket is going away, reported to the request it was serving. */
  err: Error | undefined;
  idleSince: number;
}

/**
 * A socket idle this long is not reused: servers close idle keep-alive connections (Node after 5 s), and a
 * request written as the server closes is lost with ECONNRESET.
 */
const DEFAULT_MAX_IDLE_MS = 3_000;

export class HttpError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Parses one whole response at the start of buf; undefined while incomplete. */
export function parseResponse(buf: Buffer): { status: number; body: string; length: number; close: boolean } | undefined {
  const headEnd = buf.indexOf(CRLFCRLF);
  if (headEnd < 0) return undefined;
  const head = buf.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  if (!head.startsWith('HTTP/1.') || !Number.isInteger(status)) throw new HttpError(`bad status line: ${head.slice(0, 40)}`, 'bad_response');
  const lower = head.toLowerCase();
  const close = lower.includes('\r\nconnection: close');
  const bodyStart = headEnd + 4;
  const cl = /\r\ncontent-length:\s*(\d+)/.exec(lower);
  if (cl) {
    const len = Number(cl[1]);
    if (buf.length < bodyStart + len) return undefined;
    return { status, body: buf.toString('utf8', bodyStart, bodyStart + len), length: bodyStart + len, close };
  }
  if (/\r\ntransfer-encoding:[^\r]*chunked/.test(lower)) {
    let pos = bodyStart;
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = buf.indexOf('\r\n', pos);
      if (lineEnd < 0) return undefined;
      const size = parseInt(buf.toString('latin1', pos, lineEnd), 16);
      if (!Number.isFinite(size)) throw new HttpError('bad chunk size', 'bad_response');
      const dataStart = lineEnd + 2;
      if (size === 0) {
        // The last chunk, optional trailers, then an empty line.
        const end = buf.indexOf(CRLFCRLF, lineEnd);
        if (end < 0) return undefined;
        return { status, body: Buffer.concat(parts).toString('utf8'), length: end + 4, close };
      }
      if (buf.length < dataStart + size + 2) return undefined;
      parts.push(buf.subarray(dataStart, dataStart + size));
      pos = dataStart + size + 2;
    }
  }
  // No framing: the body runs to the end of the connection; the generator's targets never do this.
  if (status === 204 || status === 304) return { status, body: '', length: bodyStart, close };
  throw new HttpError('response without Content-Length or chunked encoding', 'bad_response');
}

export class HttpPool {
  private readonly free: Conn[] = [];
  private readonly queue: { req: Buffer; done: Done }[] = [];
  private open = 0;
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly maxSockets: number,
    private readonly timeoutMs: number,
    private readonly maxIdleMs = DEFAULT_MAX_IDLE_MS,
  ) {}

  request(r: HttpRequest, done: Done): void {
    const body = r.body ?? '';
    let head = `${r.method} ${r.path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n`;
    for (const h of r.headers) head += `${h}\r\n`;
    if (r.method === 'POST') head += `content-length: ${Buffer.byteLength(body)}\r\n`;
    const req = Buffer.from(`${head}\r\n${body}`);
    // Oldest first, so every socket stays in use under steady load and none sits idle long enough to be closed.
    let c = this.free.shift();
    const now = Date.now();
    while (c && now - c.idleSince > this.maxIdleMs) {
      c.socket.destroy();
      c = this.free.shift();
    }
    if (c) this.send(c, req, done);
    else if (this.open < this.maxSockets) this.dial(req, done);
    else this.queue.push({ req, done });
  }

  destroy(): void {
    this.closed = true;
    for (const c of this.free) c.socket.destroy();
    this.free.length = 0;
  }

  private dial(req: Buffer, done: Done): void {
    this.open++;
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    const c: Conn = { socket, done: undefined, timer: undefined, buf: Buffer.alloc(0), err: undefined, idleSince: 0 };
    socket.on('data', (d: Buffer) => this.onData(c, d));
    socket.on('error', (e: NodeJS.ErrnoException) => (c.err ??= new HttpError(e.message, e.code ?? 'socket_error')));
    socket.on('close', () => this.onClose(c));
    this.send(c, req, done);
  }

  private send(c: Conn, req: Buffer, done: Done): void {
    c.done = done;
    c.timer = setTimeout(() => this.abort(c, new HttpError('timeout', 'timeout')), this.timeoutMs);
    c.socket.write(req);
  }

  private abort(c: Conn, err: Error): void {
    c.err ??= err;
    c.socket.destroy();
  }

  private onData(c: Conn, d: Buffer): void {
    c.buf = c.buf.length === 0 ? d : Buffer.concat([c.buf, d]);
    let res;
    try {
      res = parseResponse(c.buf);
    } catch (err) {
      this.abort(c, err as Error);
      return;
    }
    if (!res) return;
    c.buf = c.buf.subarray(res.length);
    const done = c.done;
    clearTimeout(c.timer);
    c.done = undefined;
    if (res.close) c.socket.destroy();
    else this.release(c);
    done?.(undefined, { status: res.status, body: res.body });
  }

  private release(c: Conn): void {
    const next = this.queue.shift();
    if (next) this.send(c, next.req, next.done);
    else if (this.closed) c.socket.destroy();
    else {
      c.idleSince = Date.now();
      this.free.push(c);
    }
  }

  private onClose(c: Conn): void {
    this.open--;
    const i = this.free.indexOf(c);
    if (i >= 0) this.free.splice(i, 1);
    clearTimeout(c.timer);
    const done = c.done;
    c.done = undefined;
    done?.(c.err ?? new HttpError('connection closed', 'ECONNRESET'));
    // A queued request takes the lost socket's place.
    const next = this.closed ? undefined : this.queue.shift();
    if (next) this.dial(next.req, next.done);
  }
}
