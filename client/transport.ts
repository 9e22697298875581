/** How the client reaches the API: one call per operation, answered with status, body and headers. */
export type Operation = 'send' | 'batch' | 'get' | 'list' | 'cancel';

export interface Call {
  op: Operation;
  /** send, batch: the request body; get, cancel: {id}; list: the query. */
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
