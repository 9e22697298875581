/** Parses the text of a delivery receipt (SMPP 3.4 Appendix B format and its real-world variants) into fields. Pure. */

export interface ParsedReceipt {
  id: string | null;
  sub: string | null;
  dlvrd: string | null;
  /** Epoch ms, UTC. */
  submitDate: number | null;
  doneDate: number | null;
  /** Upper-cased. */
  stat: string | null;
  err: string | null;
  text: string | null;
}

/**
 * A key is a word at the start or after whitespace, followed by a colon. The two-word date keys are tried
 * first so "submit date:" is one key; unknown keys are matched too, only so their values end the previous field.
 */
const KEY_RE = /(?:^|\s)(submit[ _-]?date|done[ _-]?date|[a-z][a-z0-9_-]*)\s*:/gi;
/** text: is last in Appendix B and its value may hold anything, so it is cut off before keys are looked for. */
const TEXT_RE = /(?:^|\s)text\s*:/i;
type FieldKey = 'id' | 'sub' | 'dlvrd' | 'submitdate' | 'donedate' | 'stat' | 'err';
type Fields = Record<FieldKey, string | undefined>;

/** A key as matched, to the field it names (any case; the date keys with or without ' ', '_' or '-'), or null. */
function fieldKey(raw: string): FieldKey | null {
  const k = raw.toLowerCase().replace(/[ _-]/g, '');
  switch (k) {
    case 'id':
    case 'sub':
    case 'dlvrd':
    case 'submitdate':
    case 'donedate':
    case 'stat':
    case 'err':
      return k;
    default:
      return null;
  }
}

const orNull = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);

/**
 * Fields of a receipt: keys in any case, in any order, unknown ones ignored, missing ones null; the first
 * occurrence of a key wins. text is everything after "text:" (trimmed). Dates that do not parse are null.
 * Returns null when the text has neither id: nor stat:, i.e. is not a receipt.
 */
export function parseReceiptText(text: string): ParsedReceipt | null {
  // Some SMSCs send short_message as a C string, NUL terminator included.
  const input = text.charCodeAt(text.length - 1) === 0 ? text.replace(/\0+$/, '') : text;
  const textKey = TEXT_RE.exec(input);
  const head = textKey ? input.slice(0, textKey.index) : input;
  const receiptText = textKey ? input.slice(textKey.index + textKey[0].length).trim() : null;

  // A value runs from its key to the next key of any name. This runs on every receipt, so the keys are walked once,
  // without collecting the matches first, into a record of fixed shape.
  const f: Fields = { id: undefined, sub: undefined, dlvrd: undefined, submitdate: undefined, donedate: undefined, stat: undefined, err: undefined };
  let open: FieldKey | null = null;
  let from = 0;
  KEY_RE.lastIndex = 0;
  for (let m = KEY_RE.exec(head); m !== null; m = KEY_RE.exec(head)) {
    if (open !== null) f[open] = head.slice(from, m.index).trim();
    const key = fieldKey(m[1]!);
    open = key !== null && f[key] === undefined ? key : null;
    from = m.index + m[0].length;
  }
  if (open !== null) f[open] = head.slice(from).trim();
  if (f.id === undefined && f.stat === undefined) return null;

  const submit = orNull(f.submitdate);
  const done = orNull(f.donedate);
  const stat = orNull(f.stat);
  return {
    id: orNull(f.id),
    sub: orNull(f.sub),
    dlvrd: orNull(f.dlvrd),
    submitDate: submit === null ? null : parseSmppDate(submit),
    doneDate: done === null ? null : parseSmppDate(done),
    stat: stat === null ? null : stat.toUpperCase(),
    err: orNull(f.err),
    text: receiptText,
  };
}

/** Two ASCII digits at `i` as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * YYMMDDhhmm or YYMMDDhhmmss as epoch ms, read as UTC (receipts carry no zone). YY is 2000+YY: receipts
 * are about messages sent now. Null for anything else, including impossible dates such as 30 February.
 */
export function parseSmppDate(raw: string): number | null {
  const s = raw.trim();
  if (s.length !== 10 && s.length !== 12) return null;
  const year = 2000 + twoDigits(s, 0);
  const month = twoDigits(s, 2);
  const day = twoDigits(s, 4);
  const hour = twoDigits(s, 6);
  const minute = twoDigits(s, 8);
  const second = s.length === 12 ? twoDigits(s, 10) : 0;
  if (year < 2000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}
