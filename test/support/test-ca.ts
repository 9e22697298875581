/**
 * A throwaway certificate authority made with openssl (installed by scripts/ensure-test-services.sh): a CA, and server
 * certificates it signs for the names asked. Without openssl the tests that use it fail and say how to install it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Issued {
  key: string;
  cert: string;
}

export interface TestCa {
  /** The CA certificate's file (what a carrier's smpp.tls.caFile points at) and PEM. */
  certFile: string;
  cert: string;
  /** A server certificate signed by this CA, for the given subjectAltName entries (e.g. "IP:127.0.0.1", "DNS:smsc.test"). */
  issue(name: string, altNames: readonly string[]): Issued;
  remove(): void;
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new Error('openssl is not installed: run scripts/ensure-test-services.sh (make test does), or apt-get install openssl');
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString() ?? e.message}`);
  }
}

export function createTestCa(commonName = 'smsmesh test CA'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'smsmesh-ca-'));
  const caKey = join(dir, 'ca.key');
  const certFile = join(dir, 'ca.crt');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', caKey, '-out', certFile, '-days', '2', '-subj', `/CN=${commonName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  let serial = 0;
  return {
    certFile,
    cert: readFileSync(certFile, 'utf8'),
    issue(name, altNames) {
      const base = join(dir, `${name}-${++serial}`);
      openssl(['req', ...ec, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${name}`]);
      writeFileSync(`${base}.ext`, `subjectAltName=${altNames.join(',')}\nextendedKeyUsage=serverAuth\n`);
      openssl(['x509', '-req', '-in', `${base}.csr`, '-CA', certFile, '-CAkey', caKey, '-set_serial', String(1000 + serial), '-days', '2', '-extfile', `${base}.ext`, '-out', `${base}.crt`]);
      return { key: readFileSync(`${base}.key`, 'utf8'), cert: readFileSync(`${base}.crt`, 'utf8') };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
