/**
 * A bounded local journal for what an SMSC hands the connector (receipts, MO) while the bus is away longer than a
 * deliver_sm answer can be held: entries are appended and synced to disk before the SMSC is told OK, and replayed
 * into JetStream, oldest first, once the bus is back. Many SMSCs never re-send a receipt that was refused, so
 * without this a NATS outage would leave messages `submitted` for good.
 *
 * Files are named `<host>~<pid>~<n>.<jsonl|replay>`: one live file per process (n = 0), which replay renames aside
 * first so appends during a replay go to a fresh file. Files of processes that died on this host are adopted (a
 * rename, which only one process can win) and replayed too. Entries keep the message id they were given at append, so a replay interrupted and done again is
 * deduplicated by the stream.
 */
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createBatcher } from '../bus/batcher.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../log/logger.js';

export interface JournalEntry {
  subject: string;
  msgId: string;
  /** The bus message, base64. */
  data: string;
}

export class JournalFullError extends Error {
  override readonly name = 'JournalFullError';
}

export interface SpillJournal {
  /** Appends and syncs; rejects with JournalFullError when the journal holds maxBytes already. */
  append(entry: { subject: string; msgId: string; data: Uint8Array }): Promise<void>;
  /** True when this process's file or a dead process's file holds entries. */
  pending(): boolean;
  /** Publishes every journaled entry in order and removes what was published; returns how many. */
  replay(publish: (e: JournalEntry) => Promise<void>): Promise<number>;
  close(): Promise<void>;
}

const HOST = hostname().replace(/[^A-Za-z0-9_.-]/g, '_');
const FILE = /^([A-Za-z0-9_.-]+)~(\d+)~(\d+)\.(jsonl|replay)$/;

function ownerAlive(file: string): boolean {
  const m = FILE.exec(file);
  if (!m || m[1] !== HOST) return true; // another host's file (a shared volume), or not a journal: not ours to take
  const pid = Number(m[2]);
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function createSpillJournal(o: { dir: string; maxBytes: number; log: Logger }): SpillJournal {
  mkdirSync(o.dir, { recursive: true });
  const name = `${HOST}~${process.pid}~`;
  const active = join(o.dir, `${name}0.jsonl`);
  const replaying = join(o.dir, `${name}0.replay`);
  let adopted = 0;
  let fh: FileHandle | undefined;
  let bytes = existsSync(active) ? statSync(active).size : 0;
  let replayRunning = false;

  const writes = createBatcher<string>({
    maxItems: 500,
    maxDelayMs: 0,
    oneInFlight: true,
    // One write and one sync for everything that arrived meanwhile: an outage can bring thousands of receipts a second.
    flush: async (lines) => {
      fh ??= await open(active, 'a');
      await fh.write(lines.join(''));
      await fh.datasync();
    },
  });

  function orphans(): string[] {
    return readdirSync(o.dir).filter((f) => FILE.test(f) && !f.startsWith(name) && !ownerAlive(f));
  }

  async function readEntries(path: string): Promise<JournalEntry[]> {
    const out: JournalEntry[] = [];
    for (const line of (await readFile(path, 'utf8')).split('\n')) {
      if (!line) continue;
      try {
        out.push(JSON.parse(line) as JournalEntry);
      } catch {
        // A line cut short by a crash mid-write was never acknowledged to the SMSC: it re-sends that one.
      }
    }
    return out;
  }

  return {
    async append(e) {
      const line = `${JSON.stringify({ subject: e.subject, msgId: e.msgId, data: Buffer.from(e.data).toString('base64') })}\n`;
      if (bytes + line.length > o.maxBytes) throw new JournalFullError(`journal holds ${bytes} bytes (limit ${o.maxBytes})`);
      bytes += line.length;
      await writes.add(line);
    },
    pending: () => bytes > 0 || readdirSync(o.dir).some((f) => f.startsWith(name) && f.endsWith('.replay')) || orphans().length > 0,
    async replay(publish) {
      if (replayRunning) return 0;
      replayRunning = true;
      let n = 0;
      try {
        // Our own earlier replay first (it was interrupted), then the live file, then files of dead processes.
        if (!existsSync(replaying) && bytes > 0) {
          await writes.flush();
          await fh?.close();
          fh = undefined;
          renameSync(active, replaying);
          bytes = 0;
        }
        for (const f of orphans()) {
          try {
            renameSync(join(o.dir, f), join(o.dir, `${name}${++adopted}.replay`));
          } catch {
            // another process adopted it first
          }
        }
        const mine = readdirSync(o.dir)
          .filter((f) => f.startsWith(name) && f.endsWith('.replay'))
          .sort((a, b) => Number(FILE.exec(a)![3]) - Number(FILE.exec(b)![3]));
        for (const f of mine) {
          for (const e of await readEntries(join(o.dir, f))) {
            await publish(e);
            n++;
          }
          unlinkSync(join(o.dir, f));
        }
        if (n > 0) o.log.info({ entries: n }, 'journal replayed into the bus');
        return n;
      } catch (err) {
        o.log.warn({ err: errorMessage(err), replayed: n }, 'journal replay interrupted; will retry');
        return n;
      } finally {
        replayRunning = false;
      }
    },
    async close() {
      await writes.flush();
      await fh?.close();
      fh = undefined;
      // Leave nothing behind that holds no entries.
      for (const f of [active]) {
        if (existsSync(f) && statSync(f).size === 0) unlinkSync(f);
      }
    },
  };
}

/** Touches the journal directory at start: a connector that cannot write there fails at once, not in an outage. */
export function checkJournalDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const probe = join(dir, `.probe-${process.pid}`);
  closeSync(openSync(probe, 'w'));
  unlinkSync(probe);
}
