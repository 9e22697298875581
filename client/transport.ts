/** How the client reaches the API: one call per operation, answered with status, body and headers. */
export type Operation = 'send' | 'batch' | 'get' | 'list' | 'cancel' | 'inbound' | 'optouts' | 'optouts.add' | 'optouts.remove';

export interface Call {
  op: Operation;
  /** send, batch, optouts.add: the request body; get, cancel: {id}; list, inbound: the query; optouts.remove: {number}. */
  body: unknown;
  idempotencyKey?: string | undefined;
  dryRun?: boolean | undefined;
}

export interface Answer {
  status: number;
  body: unknown;
  retryAfterS: number | undefined;
}

export interface Transport {
  call(apiKey: string, c: Call): Promise<Answer>;
}
