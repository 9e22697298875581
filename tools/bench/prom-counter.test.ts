import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counterSum, scrapeCounter } from './prom-counter.js';

const PAGE = [
  '# HELP smsmesh_messages_persisted_total Messages that reached a final state',
  '# TYPE smsmesh_messages_persisted_total counter',
  'smsmesh_messages_persisted_total{status="delivered"} 1200',
  'smsmesh_messages_persisted_total{status="failed"} 34',
  'smsmesh_messages_persisted_total_created{status="delivered"} 1733390000',
  'smsmesh_messages_persisted 7',
  'smsmesh_status_events_total{kind="receipt"} 99',
  '',
].join('\n');

describe('counterSum', () => {
  it('sums every series of the counter and nothing whose name only begins with it', () => {
    expect(counterSum(PAGE, 'smsmesh_messages_persisted_total')).toBe(1234);
    expect(counterSum(PAGE, 'smsmesh_messages_persisted')).toBe(7);
  });

  it('is undefined when the page has no such counter', () => {
    expect(counterSum(PAGE, 'smsmesh_nothing_total')).toBeUndefined();
  });
});

describe('scrapeCounter', () => {
  let url = '';
  const server = createServer((req, res) => {
    if (req.url === '/metrics') res.end(PAGE);
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('adds the counter up over several pages', async () => {
    expect(await scrapeCounter([`${url}/metrics`, `${url}/metrics`], 'smsmesh_messages_persisted_total')).toBe(2468);
  });

  it('is undefined when a page cannot be read, so that the caller counts rows instead', async () => {
    expect(await scrapeCounter([`${url}/metrics`, `${url}/missing`], 'smsmesh_messages_persisted_total')).toBeUndefined();
    expect(await scrapeCounter([], 'smsmesh_messages_persisted_total')).toBeUndefined();
  });
});
