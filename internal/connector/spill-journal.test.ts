/** The spill journal on real files in a temporary directory: append, bound, replay order, adoption, interruption. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { noopLogger } from '../log/logger.js';
import { createSpillJournal, JournalFullError, type JournalEntry } from './spill-journal.js';

const dirs: string[] = [];
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'smsmesh-journal-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const enc = new TextEncoder();
const entry = (i: number) => ({ subject: `sms.evt.receipt.acme`, msgId: `m${i}`, data: enc.encode(`receipt ${i}`) });
const text = (e: JournalEntry) => Buffer.from(e.data, 'base64').toString();

describe('spill journal', () => {
  it('replays what was appended, in order, once, and is empty afterwards', async () => {
    const j = createSpillJournal({ dir: dir(), maxBytes: 1 << 20, log: noopLogger });
    expect(j.pending()).toBe(false);
    await Promise.all([1, 2, 3].map((i) => j.append(entry(i))));
    await j.append(entry(4));
    expect(j.pending()).toBe(true);
    const got: JournalEntry[] = [];
    expect(await j.replay(async (e) => void got.push(e))).toBe(4);
    expect(got.map((e) => [e.msgId, text(e)])).toEqual([1, 2, 3, 4].map((i) => [`m${i}`, `receipt ${i}`]));
    expect(j.pending()).toBe(false);
    expect(await j.replay(async () => {})).toBe(0);
    await j.close();
  });

  it('refuses appends past its size bound', async () => {
    const j = createSpillJournal({ dir: dir(), maxBytes: 200, log: noopLogger });
    await j.append(entry(1));
    await j.append(entry(2));
    await expect(j.append(entry(3))).rejects.toBeInstanceOf(JournalFullError);
    await j.close();
  });

  it('keeps entries whose replay was interrupted and publishes them (under the same ids) on the next round', async () => {
    const j = createSpillJournal({ dir: dir(), maxBytes: 1 << 20, log: noopLogger });
    for (let i = 1; i <= 3; i++) await j.append(entry(i));
    let calls = 0;
    await j.replay(async () => {
      if (++calls === 2) throw new Error('bus gone again');
    });
    // Appends during or after an interrupted replay still land, in a fresh file.
    await j.append(entry(4));
    const got: string[] = [];
    await j.replay(async (e) => void got.push(e.msgId));
    await j.replay(async (e) => void got.push(e.msgId));
    expect(got).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(j.pending()).toBe(false);
    await j.close();
  });

  it('adopts and replays the file a dead process left behind, but not a live one', async () => {
    const d = dir();
    const host = hostname().replace(/[^A-Za-z0-9_.-]/g, '_');
    const line = (id: string) => `${JSON.stringify({ subject: 's', msgId: id, data: Buffer.from(id).toString('base64') })}\n`;
    // pid 1 is alive (init); 2^22 + 1 is above Linux's pid_max, so no process has it.
    writeFileSync(join(d, `${host}~${2 ** 22 + 1}~0.jsonl`), line('dead-1') + line('dead-2') + '{"cut short');
    writeFileSync(join(d, `${host}~1~0.jsonl`), line('alive-1'));
    const j = createSpillJournal({ dir: d, maxBytes: 1 << 20, log: noopLogger });
    expect(j.pending()).toBe(true);
    const got: string[] = [];
    await j.replay(async (e) => void got.push(e.msgId));
    expect(got).toEqual(['dead-1', 'dead-2']);
    expect(readdirSync(d)).toEqual([`${host}~1~0.jsonl`]);
    await j.close();
  });
});
