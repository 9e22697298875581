import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startDevReceiver, type DevReceiver } from './dev-receiver.js';

let r: DevReceiver | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe('make dev webhook receiver', () => {
  it('answers 200 and prints each callback, saying whether its signature verifies', async () => {
    const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const lines: string[] = [];
    r = await startDevReceiver({ port: 0, secret, out: (l) => lines.push(l) });
    const body = JSON.stringify({ type: 'message.status', id: 'm1', status: 'delivered', error: null });
    const sig = createHmac('sha256', Buffer.alloc(32, 9)).update(`msg_m1_delivered.1700000000.${body}`).digest('base64');
    const post = (signature: string) =>
      fetch(r!.url, { method: 'POST', body, headers: { 'webhook-id': 'msg_m1_delivered', 'webhook-timestamp': '1700000000', 'webhook-signature': signature } });
    expect((await post(`v1,${sig}`)).status).toBe(200);
    expect((await post('v1,AAAA')).status).toBe(200);
    expect(lines).toEqual([
      'callback msg_m1_delivered: message.status m1 delivered (signature verified)',
      'callback msg_m1_delivered: message.status m1 delivered (signature NOT verified)',
    ]);
  });
});
