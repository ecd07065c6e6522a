import type { InspectReport } from '../facts/binary.js';
import type { Finding } from './finding.js';

/**
 * Which cryptography ships in the binary.
 *   GR-CRYPTO-001  BoringCrypto (GOEXPERIMENT=boringcrypto)
 *   GR-CRYPTO-002  Go's FIPS 140-3 module selected (GOFIPS140 or fips140 in DefaultGODEBUG)
 */
export function cryptoChecks(r: InspectReport): Finding[] {
  const c = r.go.crypto;
  const out: Finding[] = [];
  if (c.boringcrypto) {
    out.push({
      id: 'GR-CRYPTO-001',
      severity: 'info',
      title: 'BoringCrypto: crypto comes from BoringSSL through cgo',
      subject: r.path,
      evidence: [`Go version ${r.go.version} X:${r.go.experiments.join(',')}`],
      fix: 'Nothing to fix if FIPS mode is intended; the binary needs cgo and glibc, and Go ≥ 1.24 offers the native FIPS 140-3 module (GOFIPS140) instead.',
      refs: ['https://go.dev/doc/security/fips140'],
    });
  }
  if (c.gofips140 || c.fips140Godebug) {
    out.push({
      id: 'GR-CRYPTO-002',
      severity: 'info',
      title: "Go's FIPS 140-3 cryptographic module is selected",
      subject: r.path,
      evidence: [c.gofips140 ? `build setting GOFIPS140=${c.gofips140}` : '', c.fips140Godebug ? `DefaultGODEBUG fips140=${c.fips140Godebug}` : ''].filter(
        Boolean,
      ),
      fix: 'Nothing to fix if FIPS mode is intended; fips140=only makes non-approved algorithms fail at run time.',
      refs: ['https://go.dev/doc/security/fips140'],
    });
  }
  return out;
}
