import type { CheckInput } from '../facts/target.js';
import type { Checks } from './check.js';

/** Which cryptography ships in the binary (GR-CRYPTO-*; rules.ts has each rule). */
export const cryptoChecks = {
  'GR-CRYPTO-001': ({ binary: r }) =>
    r.go.crypto.boringcrypto
      ? { title: 'BoringCrypto: crypto comes from BoringSSL through cgo', evidence: [`Go version ${r.go.version} X:${r.go.experiments.join(',')}`] }
      : null,

  'GR-CRYPTO-002': ({ binary: r }) => {
    const c = r.go.crypto;
    if (!c.gofips140 && !c.fips140Godebug) return null;
    return {
      title: "Go's FIPS 140-3 cryptographic module is selected",
      evidence: [c.gofips140 ? `build setting GOFIPS140=${c.gofips140}` : '', c.fips140Godebug ? `DefaultGODEBUG fips140=${c.fips140Godebug}` : ''].filter(
        Boolean,
      ),
    };
  },
} satisfies Checks<CheckInput>;
