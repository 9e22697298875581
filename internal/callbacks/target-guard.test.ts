import { describe, expect, it } from 'vitest';
import { checkLiteralTarget, isPrivateAddress, RefusedTargetError } from './target-guard.js';

describe('callback target guard', () => {
  it('refuses loopback, link-local, private, shared, unspecified and multicast addresses', () => {
    for (const a of ['127.0.0.1', '127.8.9.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
  });

  it('lets public addresses through', () => {
    for (const a of ['8.8.8.8', '172.32.0.1', '192.169.0.1', '1.1.1.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) {
      expect(isPrivateAddress(a), a).toBe(false);
    }
  });

  it('refuses a URL naming a private address literally', () => {
    expect(() => checkLiteralTarget(new URL('http://127.0.0.1:8080/cb'))).toThrow(RefusedTargetError);
    expect(() => checkLiteralTarget(new URL('http://[::1]/cb'))).toThrow(RefusedTargetError);
    expect(() => checkLiteralTarget(new URL('https://93.184.215.14/cb'))).not.toThrow();
    expect(() => checkLiteralTarget(new URL('https://example.com/cb'))).not.toThrow();
  });
});
