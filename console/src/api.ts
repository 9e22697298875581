/** The console's calls to the gateway: the admin key from sessionStorage as the bearer, problems turned into errors. */
const KEY = 'smsmesh.adminKey';

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  set: (k: string): void => sessionStorage.setItem(KEY, k),
  clear: (): void => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown, key = session.key()): Promise<T> {
  const headers: Record<string, string> = { Authorization: `Bearer ${key ?? ''}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await r.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = text;
  }
  if (!r.ok) {
    const p = data as { title?: string; detail?: string } | undefined;
    throw new ApiError(r.status, p?.detail ? `${p.title ?? r.status}: ${p.detail}` : `HTTP ${r.status}`);
  }
  return data as T;
}

export interface Bind {
  connector: string;
  bindNo: number;
  state: string;
  window: number;
  inFlight: number;
  tps: number;
  rate: number;
  paused: boolean;
  throttles: number;
  submitted: number;
  delivered: number;
}

export interface Carrier {
  id: string;
  state: 'active' | 'paused' | 'draining';
  stateSince: string | null;
  stateBy: string | null;
  backlog: number | null;
  ackPending: number | null;
  bindsUp: number;
  configured: { binds: number; window: number; tps: number };
  binds: Bind[];
}

export interface Summary {
  at: string;
  edges: number;
  connectors: number;
  totals: { accepted: number; rejected: number; submitted: number; delivered: number; throttles: number; deadLetters: number | null };
  acceptLatency: { bucketsS: number[]; counts: number[] };
  carriers: { id: string; state: string; backlog: number | null; ackPending: number | null; bindsUp: number; binds: number }[];
}

export interface MessageView {
  id: string;
  status: string;
  carrier: string;
  to: string | null;
  from: string | null;
  clientRef: string | null;
  segments: number | null;
  acceptedAt: string | null;
  doneAt: string | null;
}

export interface TimelinePart {
  part: number;
  smscMessageId: string | null;
  submittedAt: string | null;
  lastStat: string | null;
  lastStatAt: string | null;
  status: string | null;
  doneAt: string | null;
  error: string | null;
}

export interface Timeline extends MessageView {
  clientId: string | null;
  encoding: string | null;
  error: string | null;
  sendAt: string | null;
  validUntil: string | null;
  submittedAt: string | null;
  parts: TimelinePart[];
}

export interface AuditEntry {
  seq: number;
  at: string;
  who: { client: string; keyId: string };
  action: string;
  target: string;
  result: string;
  detail?: string;
}

export interface DeadLetter {
  seq: number;
  subject: string;
  messageId: string | null;
  reason: string | null;
  detail: string | null;
  deliveries: number | null;
  at: string | null;
}

export interface ClientInfo {
  id: string;
  rateLimit: number;
  scopes: string[];
  keys: { id: string; scopes: string[] }[];
  usage: { accepted: number; rejected: Record<string, number>; edges: number };
}
