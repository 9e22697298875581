import { describe, expect, it } from 'vitest';
import { receiptPdu } from './receipt-pdu.js';
import type { QueuedReceipt } from './receipt-queue.js';

const queued = (): QueuedReceipt => ({
  dueAt: 0,
  systemId: 'esme',
  preferredSessionId: 0,
  smscMessageId: 'abc123',
  sourceAddrTon: 5,
  sourceAddrNpi: 0,
  sourceAddr: 'ACME',
  destAddrTon: 1,
  destAddrNpi: 1,
  destinationAddr: '447700900777',
  submittedAt: Date.UTC(2026, 11, 3, 7, 59, 30),
  stat: 'DELIVRD',
  text: 'hello',
  attempts: 0,
});

describe('receiptPdu', () => {
  it('offers a refused receipt again unchanged, even when the minute of its done date has passed', () => {
    const r = queued();
    const first = receiptPdu(r, Date.UTC(2026, 11, 3, 7, 59, 58));
    const again = receiptPdu(r, Date.UTC(2026, 11, 3, 8, 1, 5));
    expect(first.shortMessage.toString('latin1')).toContain('done date:2612030759 ');
    expect(again.shortMessage.equals(first.shortMessage)).toBe(true);
  });
});
