import { describe, expect, it } from 'vitest';
import { parseReceiptText, parseSmppDate, type ParsedReceipt } from './receipt.js';

const utc = (y: number, mo: number, d: number, h: number, mi: number, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s);
const T0 = utc(2024, 1, 15, 12, 30);
const T1 = utc(2024, 1, 15, 12, 31);

const receipt = (r: Partial<ParsedReceipt>): ParsedReceipt => ({
  id: null, sub: null, dlvrd: null, submitDate: null, doneDate: null, stat: null, err: null, text: null, ...r,
});
const full = (id: string, stat: string, extra: Partial<ParsedReceipt> = {}) =>
  receipt({ id, sub: '001', dlvrd: '001', submitDate: T0, doneDate: T1, stat, err: '000', ...extra });

/** Receipts as SMSCs and gateways actually write them. */
const CORPUS: Array<[string, string, ParsedReceipt]> = [
  ['SMPP 3.4 Appendix B, capital Text:',
    'id:0123456789 sub:001 dlvrd:001 submit date:2401151230 done date:2401151231 stat:DELIVRD err:000 Text:Hello world',
    full('0123456789', 'DELIVRD', { text: 'Hello world' })],
  ['Kannel-style, lower-case text:',
    'id:1387229612 sub:001 dlvrd:001 submit date:2401151230 done date:2401151231 stat:DELIVRD err:000 text:Test message',
    full('1387229612', 'DELIVRD', { text: 'Test message' })],
  ['Jasmin-style UUID id, empty text',
    'id:a6e2c3a4-6a0b-4ae0-8c2f-5d3c8e1b9f10 sub:001 dlvrd:001 submit date:2401151230 done date:2401151231 stat:DELIVRD err:000 text:',
    full('a6e2c3a4-6a0b-4ae0-8c2f-5d3c8e1b9f10', 'DELIVRD', { text: '' })],
  ['12-digit dates with seconds, hex id',
    'id:4F1A2B3C sub:001 dlvrd:001 submit date:240115123045 done date:240115123112 stat:DELIVRD err:000 text:abc',
    full('4F1A2B3C', 'DELIVRD', { submitDate: utc(2024, 1, 15, 12, 30, 45), doneDate: utc(2024, 1, 15, 12, 31, 12), text: 'abc' })],
  ['upper-case keys, lower-case stat',
    'ID:77 SUB:001 DLVRD:001 SUBMIT DATE:2401151230 DONE DATE:2401151231 STAT:delivrd ERR:000 TEXT:HI',
    full('77', 'DELIVRD', { text: 'HI' })],
  ['mixed-case keys',
    'Id:77 Sub:001 Dlvrd:001 Submit Date:2401151230 Done Date:2401151231 Stat:UNDELIV Err:001 Text:x',
    full('77', 'UNDELIV', { err: '001', text: 'x' })],
  ['no text field',
    'id:123 sub:001 dlvrd:001 submit date:2401151230 done date:2401151231 stat:UNDELIV err:001',
    full('123', 'UNDELIV', { err: '001' })],
  ['err absent',
    'id:123 sub:001 dlvrd:000 submit date:2401151230 done date:2401151231 stat:EXPIRED text:x',
    full('123', 'EXPIRED', { dlvrd: '000', err: null, text: 'x' })],
  ['id with leading zeros kept verbatim (normalisation is receipt-status\' job)',
    'id:0000012345 sub:001 dlvrd:001 submit date:2401151230 done date:2401151231 stat:DELIVRD err:000 text:',
    full('0000012345', 'DELIVRD', { text: '' })],
  ['text with spaces and colons',
    'id:9 sub:001 dlvrd:001 submit date:2401151230 done date:2401151231 stat:DELIVRD err:000 text:Your code: 1234 at 12:30',
    full('9', 'DELIVRD', { text: 'Your code: 1234 at 12:30' })],
  ['text that itself looks like receipt fields',
    'id:9 sub:001 dlvrd:001 submit date:2401151230 done date:2401151231 stat:DELIVRD err:000 text:stat:REJECTD id:1',
    full('9', 'DELIVRD', { text: 'stat:REJECTD id:1' })],
  ['underscore date keys',
    'id:55 sub:001 dlvrd:001 submit_date:2401151230 done_date:2401151231 stat:DELIVRD err:000',
    full('55', 'DELIVRD')],
  ['extra unknown fields ignored',
    'id:55 smsc:vodafone-uk sub:001 dlvrd:001 submit date:2401151230 done date:2401151231 stat:DELIVRD err:000 nw:23415 mcc-mnc:234-15 text:hi',
    full('55', 'DELIVRD', { text: 'hi' })],
  ['only id and stat',
    'id:abc stat:REJECTD',
    receipt({ id: 'abc', stat: 'REJECTD' })],
  ['intermediate ENROUTE with dlvrd 000',
    'id:9 sub:001 dlvrd:000 submit date:2401151230 done date:2401151231 stat:ENROUTE err:000 text:',
    full('9', 'ENROUTE', { dlvrd: '000', text: '' })],
  ['ACCEPTD',
    'id:9 sub:001 dlvrd:000 submit date:2401151230 done date:2401151231 stat:ACCEPTD err:000 text:',
    full('9', 'ACCEPTD', { dlvrd: '000', text: '' })],
  ['NUL-terminated C string',
    'id:1 sub:001 dlvrd:001 submit date:2401151230 done date:2401151231 stat:DELIVRD err:000 text:hi\0',
    full('1', 'DELIVRD', { text: 'hi' })],
  ['spaces after the colons',
    'id: 12345 sub: 001 dlvrd: 001 submit date: 2401151230 done date: 2401151231 stat: DELIVRD err: 000 text: hello',
    full('12345', 'DELIVRD', { text: 'hello' })],
  ['impossible dates become null',
    'id:1 sub:001 dlvrd:001 submit date:2413011230 done date:2402301200 stat:DELIVRD err:000',
    full('1', 'DELIVRD', { submitDate: null, doneDate: null })],
  ['fields out of order',
    'stat:DELIVRD err:000 id:42 done date:2401151231',
    receipt({ id: '42', stat: 'DELIVRD', err: '000', doneDate: T1 })],
  ['long decimal id (hex submit_sm_resp elsewhere)',
    'id:4722366482869645213695 sub:001 dlvrd:001 submit date:2401151230 done date:2401151231 stat:DELIVRD err:000 text:',
    full('4722366482869645213695', 'DELIVRD', { text: '' })],
  ['alphanumeric error code',
    'id:7 sub:001 dlvrd:000 submit date:2401151230 done date:2401151231 stat:UNDELIV err:0B text:',
    full('7', 'UNDELIV', { dlvrd: '000', err: '0B', text: '' })],
  ['empty id value',
    'id: stat:DELIVRD',
    receipt({ stat: 'DELIVRD' })],
  ['tabs and double spaces between fields',
    'id:1\tsub:001  dlvrd:001\tsubmit date:2401151230  done date:2401151231 stat:DELIVRD\terr:000',
    full('1', 'DELIVRD')],
  ['12-digit submit date, 10-digit done date',
    'id:1 sub:001 dlvrd:001 submit date:240115123000 done date:2401151231 stat:DELIVRD err:000',
    full('1', 'DELIVRD')],
  ['truncated by the SMSC mid-date',
    'id:1 sub:001 dlvrd:001 submit date:2401151230 done date:24011512',
    receipt({ id: '1', sub: '001', dlvrd: '001', submitDate: T0 })],
  ['hyphenated date keys, DELETED',
    'id:x-1 sub:001 dlvrd:000 submit-date:2401151230 done-date:2401151231 stat:DELETED err:000',
    full('x-1', 'DELETED', { dlvrd: '000' })],
  ['first occurrence of a repeated key wins',
    'id:1 stat:DELIVRD stat:UNDELIV',
    receipt({ id: '1', stat: 'DELIVRD' })],
];

describe('parseReceiptText corpus', () => {
  it('has at least 20 variants', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(20);
  });

  it.each(CORPUS)('%s', (_name, text, expected) => {
    expect(parseReceiptText(text)).toEqual(expected);
  });
});

describe('parseReceiptText: not receipts', () => {
  it.each(['', 'Hello how are you', 'Meet me at 10:30', 'Note: call back', 'identity:1 status:ok', 'text:id:1 stat:DELIVRD'])(
    '%j is null',
    (text) => {
      expect(parseReceiptText(text)).toBeNull();
    },
  );
});

describe('parseSmppDate', () => {
  it('reads 10 and 12 digits as UTC', () => {
    expect(parseSmppDate('2401151230')).toBe(T0);
    expect(parseSmppDate('240115123045')).toBe(utc(2024, 1, 15, 12, 30, 45));
    expect(parseSmppDate(' 9912312359 ')).toBe(utc(2099, 12, 31, 23, 59));
    expect(parseSmppDate('0001010000')).toBe(utc(2000, 1, 1, 0, 0));
  });

  it('knows the length of each month', () => {
    expect(parseSmppDate('2404301200')).toBe(utc(2024, 4, 30, 12, 0));
    expect(parseSmppDate('2404311200')).toBeNull();
    expect(parseSmppDate('2412311200')).toBe(utc(2024, 12, 31, 12, 0));
    expect(parseSmppDate('2411311200')).toBeNull();
    expect(parseSmppDate('0002291200')).toBe(utc(2000, 2, 29, 12, 0));
  });

  it('knows leap years', () => {
    expect(parseSmppDate('2402291200')).toBe(utc(2024, 2, 29, 12, 0));
    expect(parseSmppDate('2302291200')).toBeNull();
  });

  it('rejects anything else', () => {
    for (const s of ['', '240115123', '24011512300', '2401151230450', '2413011230', '2400011230', '2401002359', '2401152400', '2401151260', '240115123060', '24O1151230', '2401151230+']) {
      expect(parseSmppDate(s), s).toBeNull();
    }
  });
});

describe('receipt text at its edges', () => {
  it('takes a key with space before its colon', () => {
    expect(parseReceiptText('id:1 stat :DELIVRD')?.stat).toBe('DELIVRD');
  });

  it('strips every trailing NUL, and only trailing ones', () => {
    expect(parseReceiptText('id:1 stat:DELIVRD\0\0')?.stat).toBe('DELIVRD');
    expect(parseReceiptText('id:a\0b stat:DELIVRD')?.id).toBe('a\0b');
  });

  it('is a receipt with stat and no id', () => {
    expect(parseReceiptText('stat:UNDELIV err:001')).toMatchObject({ id: null, stat: 'UNDELIV', err: '001' });
  });
});

describe('SMPP dates at their edges', () => {
  it('takes 59 seconds and refuses minute or second 60', () => {
    expect(parseSmppDate('230101101059')).toBe(utc(2023, 1, 1, 10, 10, 59));
    expect(parseSmppDate('2301011060')).toBeNull();
    expect(parseSmppDate('230101101060')).toBeNull();
  });

  it('refuses 11 digits even when the last 10 would be a date', () => {
    expect(parseSmppDate('92301011200')).toBeNull();
  });
});
