/** Receipt text tests: format, dates, snippet, registered_delivery. */
import { describe, expect, it } from 'vitest';
import { formatReceiptText, receiptDate, receiptTextSnippet, wantsReceipt } from './receipt-format.js';

describe('receipt format', () => {
  it('writes the customary text', () => {
    expect(formatReceiptText({ id: 'a1', stat: 'DELIVRD', submitDate: '2501021504', doneDate: '2501021505', text: 'Hi' })).toBe(
      'id:a1 sub:001 dlvrd:001 submit date:2501021504 done date:2501021505 stat:DELIVRD err:000 text:Hi',
    );
    expect(formatReceiptText({ id: '7', stat: 'UNDELIV', submitDate: 'x', doneDate: 'y', text: '' })).toContain('dlvrd:000');
  });

  it('dates are YYMMDDhhmm in UTC', () => {
    expect(receiptDate(Date.UTC(2025, 0, 2, 15, 4, 59))).toBe('2501021504');
    expect(receiptDate(Date.UTC(2031, 11, 31, 23, 59))).toBe('3112312359');
  });

  it('takes at most 20 octets and masks what is not printable ASCII', () => {
    expect(receiptTextSnippet(Buffer.from('abcdefghijklmnopqrstuvwxyz'))).toBe('abcdefghijklmnopqrst');
    expect(receiptTextSnippet(Buffer.from([0x00, 0x48, 0x0a, 0xe9]))).toBe('?H??');
  });

  it('follows registered_delivery bits 0–1', () => {
    expect(wantsReceipt(0, 'DELIVRD')).toBe(false);
    expect(wantsReceipt(1, 'DELIVRD')).toBe(true);
    expect(wantsReceipt(0x11, 'UNDELIV')).toBe(true);
    expect(wantsReceipt(2, 'DELIVRD')).toBe(false);
    expect(wantsReceipt(2, 'UNDELIV')).toBe(true);
    expect(wantsReceipt(3, 'UNDELIV')).toBe(false);
  });
});
