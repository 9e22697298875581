import { describe, expect, it } from 'vitest';
import { secretKey, signOne, webhookHeaders } from './signature.js';

// The example the Standard Webhooks specification and its reference libraries publish.
const SPEC = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('Standard Webhooks signature', () => {
  it('reproduces the specification example', () => {
    expect(signOne(secretKey(SPEC.secret), SPEC.id, SPEC.timestamp, SPEC.body)).toBe(SPEC.signature);
  });

  it('takes a secret without its whsec_ prefix as the same key', () => {
    expect(secretKey(SPEC.secret.slice('whsec_'.length)).equals(secretKey(SPEC.secret))).toBe(true);
  });

  it('signs with every secret, space-separated, in order', () => {
    const other = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    const h = webhookHeaders([secretKey(other), secretKey(SPEC.secret)], SPEC.id, SPEC.timestamp, SPEC.body);
    expect(h['webhook-id']).toBe(SPEC.id);
    expect(h['webhook-timestamp']).toBe('1614265330');
    const sigs = h['webhook-signature']!.split(' ');
    expect(sigs).toHaveLength(2);
    expect(sigs[1]).toBe(SPEC.signature);
    expect(sigs[0]).not.toBe(SPEC.signature);
  });

  it('sends no signature header without secrets', () => {
    expect(webhookHeaders([], SPEC.id, SPEC.timestamp, SPEC.body)).toEqual({ 'webhook-id': SPEC.id, 'webhook-timestamp': '1614265330' });
  });

  it('changes with the body, the id and the timestamp', () => {
    const k = secretKey(SPEC.secret);
    expect(signOne(k, SPEC.id, SPEC.timestamp, '{"test": 2432232315}')).not.toBe(SPEC.signature);
    expect(signOne(k, 'msg_other', SPEC.timestamp, SPEC.body)).not.toBe(SPEC.signature);
    expect(signOne(k, SPEC.id, SPEC.timestamp + 1, SPEC.body)).not.toBe(SPEC.signature);
  });
});
