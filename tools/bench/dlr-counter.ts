/**
 * A tiny HTTP server in the bench process that Kannel's dlr-url callbacks hit (GET /dlr?k=&p=&t=&s=%d): it counts
 * final delivery reports per message key and measures accept → DLR latency. Measured with Kannel 1.4.5: a
 * concatenated message asks for a receipt on one part only (registered_delivery), so the dlr-url is called once
 * per message, and a message counts as final at its first final report.
 * Types are Kannel's DLR bits: 1 delivered, 2 undeliverable, 4 buffered, 8 SMSC submit, 16 SMSC reject.
 */
import { createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createInterface } from 'node:readline';
import type { DlrLatency, LossCheck } from './bench-database.js';
import { LatencyHistogram } from '../loadgen/latency-histogram.js';

const FINAL_TYPES = new Set([1, 2, 16]);

export interface DlrCounter {
  url: string;
  /** Messages with a final report for every part. */
  finalMessages(): number;
  callbacks(): { total: number; byType: Record<string, number>; duplicates: number };
  /** Accept → final DLR callback, over the messages of one run (keys start with `<runTag>-`). */
  latency(runTag: string): DlrLatency;
  statusCounts(runTag: string): Record<string, number>;
  checkLoss(idsFiles: readonly string[]): Promise<LossCheck>;
  close(): Promise<void>;
}

interface Entry {
  /** The final DLR type (1, 2 or 16). */
  type: number;
}

function runOf(key: string): string {
  const i = key.lastIndexOf('-');
  return i < 0 ? key : key.slice(0, i);
}

export async function startDlrCounter(): Promise<DlrCounter> {
  const entries = new Map<string, Entry>();
  const histograms = new Map<string, LatencyHistogram>();
  const statuses = new Map<string, Record<string, number>>();
  const byType: Record<string, number> = {};
  let total = 0;
  let duplicates = 0;
  let finals = 0;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = url.searchParams.get('k');
    const type = Number(url.searchParams.get('s'));
    total++;
    byType[String(type)] = (byType[String(type)] ?? 0) + 1;
    if (key && FINAL_TYPES.has(type)) {
      if (entries.has(key)) duplicates++;
      else {
        entries.set(key, { type });
        finals++;
        const run = runOf(key);
        const sentAt = Number(url.searchParams.get('t'));
        let h = histograms.get(run);
        if (!h) histograms.set(run, (h = new LatencyHistogram()));
        if (sentAt > 0 && type === 1) h.recordMs(Date.now() - sentAt);
        let st = statuses.get(run);
        if (!st) statuses.set(run, (st = {}));
        const name = type === 1 ? 'delivered' : type === 2 ? 'undeliverable' : 'rejected';
        st[name] = (st[name] ?? 0) + 1;
      }
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('OK');
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;

  return {
    url: `http://127.0.0.1:${port}/dlr`,
    finalMessages: () => finals,
    callbacks: () => ({ total, byType: { ...byType }, duplicates }),
    latency(runTag) {
      const s = (histograms.get(runTag) ?? new LatencyHistogram()).summaryMs();
      return { count: s.count, p50: s.p50, p95: s.p95, p99: s.p99, max: s.max };
    },
    statusCounts: (runTag) => ({ ...(statuses.get(runTag) ?? {}) }),
    async checkLoss(idsFiles) {
      let checked = 0;
      let missing = 0;
      const examples: string[] = [];
      for (const file of idsFiles) {
        for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
          if (!line) continue;
          checked++;
          if (!entries.has(line)) {
            missing++;
            if (examples.length < 20) examples.push(line);
          }
        }
      }
      return { checked, missing, examples };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
