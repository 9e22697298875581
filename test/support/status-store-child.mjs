// A child process that applies status batches through the built status store in a loop, as the status writer does,
// and reports on stdout: "ok <n>" after each success streak, "err" on failures. Used by tests that restart PostgreSQL:
// the process must survive every restart. Reads dist/ (the integration tests run after the build).
import { openDatabase } from '../../dist/internal/db/client.js';
import { createPgStatusStore } from '../../dist/internal/status/pg-status-store.js';

const url = process.argv[2];
const database = await openDatabase({ url, maxConnections: 4 });
const store = createPgStatusStore(database);
let n = 0;
let ok = 0;
async function loop() {
  for (;;) {
    const id = `01900000-0000-7000-8000-${String(++n).padStart(12, '0')}`;
    const at = Date.now();
    try {
      await store.apply([
        { kind: 'accepted', message: { id, clientId: 'c', carrier: 'acme', to: '+447700900000', from: 'X', encoding: 'gsm7', segments: 1, acceptedAt: at } },
        { kind: 'submitted', id, carrier: 'acme', part: 1, parts: 1, smscMessageId: `s${n}`, at },
      ]);
      ok++;
      if (ok % 20 === 0) process.stdout.write(`ok ${ok}\n`);
    } catch {
      process.stdout.write('err\n');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
for (let i = 0; i < 6; i++) void loop();
process.on('SIGTERM', () => process.exit(0));
