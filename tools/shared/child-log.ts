/**
 * A child's stdout and stderr into one log file. Piped with their defaults, whichever stream closed first ended the
 * file under the other, and the other's next chunk threw "write after end" as an uncaught error (a test run saw it
 * when haproxy closed stdout before its last stderr line). Here neither ends the file; it ends when the child has
 * closed both.
 */
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

export function logChildOutput(child: ChildProcess, path: string, opts: { append?: boolean } = {}): WriteStream {
  const file = createWriteStream(path, { flags: opts.append ? 'a' : 'w' });
  child.stdout?.pipe(file, { end: false });
  child.stderr?.pipe(file, { end: false });
  child.once('close', () => file.end());
  return file;
}
