/** Prints the mutation score per module of the pure core from StrykerJS's JSON report (make mutation). */
import { readFileSync } from 'node:fs';

const MODULES = [
  ['receipt parsing', (f) => /^internal\/sms\/receipt/.test(f)],
  ['sms (encoding, segmentation, reassembly)', (f) => f.startsWith('internal/sms/')],
  ['smpp codec', (f) => f.startsWith('internal/smpp/')],
  ['token bucket', (f) => f === 'internal/connector/token-bucket.ts'],
  ['outcome rules', (f) => f === 'internal/connector/outcome.ts'],
  ['routing', (f) => f.startsWith('internal/routing/')],
];
// Stryker's definition: detected / (detected + undetected); compile errors and ignored mutants do not count.
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const path = process.argv[2] ?? 'reports/mutation/mutation.json';
const report = JSON.parse(readFileSync(path, 'utf8'));
const rows = new Map(MODULES.map(([name]) => [name, { detected: 0, undetected: 0, files: new Set() }]));
const total = { detected: 0, undetected: 0 };
for (const [file, { mutants }] of Object.entries(report.files)) {
  const rel = file.replace(/\\/g, '/');
  const name = MODULES.find(([, match]) => match(rel))?.[0];
  if (!name) continue;
  const row = rows.get(name);
  row.files.add(rel);
  for (const m of mutants) {
    if (DETECTED.has(m.status)) (row.detected++, total.detected++);
    else if (UNDETECTED.has(m.status)) (row.undetected++, total.undetected++);
  }
}
const pct = (r) => (r.detected + r.undetected === 0 ? '   n/a' : `${((100 * r.detected) / (r.detected + r.undetected)).toFixed(2).padStart(6)}`);
console.log('module                                      score %  detected  undetected  files');
for (const [name, r] of rows) {
  if (r.files.size === 0) continue;
  console.log(`${name.padEnd(44)}${pct(r)}  ${String(r.detected).padStart(8)}  ${String(r.undetected).padStart(10)}  ${r.files.size}`);
}
console.log(`${'all'.padEnd(44)}${pct(total)}  ${String(total.detected).padStart(8)}  ${String(total.undetected).padStart(10)}`);
