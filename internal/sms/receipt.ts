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
const SMPP_DATE_RE = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/;

type FieldKey = 'id' | 'sub' | 'dlvrd' | 'submitdate' | 'donedate' | 'stat' | 'err';
const FIELD_KEYS: ReadonlySet<string> = new Set<FieldKey>(['id', 'sub', 'dlvrd', 'submitdate', 'donedate', 'stat', 'err']);

/**
 * Fields of a receipt: keys in any case, in any order, unknown ones ignored, missing ones null; the first
 * occurrence of a key wins. text is everything after "text:" (trimmed). Dates that do not parse are null.
 * Returns null when the text has neither id: nor stat:, i.e. is not a receipt.
 */
export function parseReceiptText(text: string): ParsedReceipt | null {
  // Some SMSCs send short_message as a C string, NUL terminator included.
  const input = text.replace(/\0+$/, '');
  const textKey = TEXT_RE.exec(input);
  const head = textKey ? input.slice(0, textKey.index) : input;
  const receiptText = textKey ? input.slice(textKey.index + textKey[0].length).trim() : null;

  const fields = new Map<string, string>();
  const keys = [...head.matchAll(KEY_RE)];
  keys.forEach((m, i) => {
    const key = (m[1] ?? '').toLowerCase().replace(/[ _-]/g, '');
    if (!FIELD_KEYS.has(key) || fields.has(key)) return;
    const start = m.index + m[0].length;
    const end = keys[i + 1]?.index ?? head.length;
    fields.set(key, head.slice(start, end).trim());
  });

  const value = (k: FieldKey): string | null => {
    const v = fields.get(k);
    return v === undefined || v === '' ? null : v;
  };
  const id = value('id');
  const stat = value('stat');
  if (!fields.has('id') && !fields.has('stat')) return null;

  const submit = value('submitdate');
  const done = value('donedate');
  return {
    id,
    sub: value('sub'),
    dlvrd: value('dlvrd'),
    submitDate: submit === null ? null : parseSmppDate(submit),
    doneDate: done === null ? null : parseSmppDate(done),
    stat: stat === null ? null : stat.toUpperCase(),
    err: value('err'),
    text: receiptText,
  };
}

/**
 * YYMMDDhhmm or YYMMDDhhmmss as epoch ms, read as UTC (receipts carry no zone). YY is 2000+YY: receipts
 * are about messages sent now. Null for anything else, including impossible dates such as 30 February.
 */
export function parseSmppDate(s: string): number | null {
  const m = SMPP_DATE_RE.exec(s.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [2000 + Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const d = new Date(ms);
  // Date.UTC rolls 30 Feb over into March; a changed month or day means the input was not a real date.
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return ms;
}
