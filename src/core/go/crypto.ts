/** Which cryptography a Go binary was built to use: BoringCrypto, Go's FIPS 140-3 module, or neither. */
export interface CryptoFacts {
  /** Built with GOEXPERIMENT=boringcrypto (BoringSSL-backed crypto, `X:boringcrypto` in the version). */
  boringcrypto: boolean;
  /** The GOFIPS140 build setting (Go ≥ 1.24's native FIPS 140-3 module), e.g. "v1.0.0" or "latest". */
  gofips140: string | null;
  /** fips140=… in DefaultGODEBUG ("on" or "only"). */
  fips140Godebug: string | null;
}

export function cryptoFacts(experiments: string[], settings: { key: string; value: string }[]): CryptoFacts {
  const get = (k: string) => settings.find((s) => s.key === k)?.value ?? null;
  const all = [...experiments, ...(get('GOEXPERIMENT') ?? '').split(',').filter(Boolean)];
  return {
    boringcrypto: all.includes('boringcrypto'),
    gofips140: get('GOFIPS140'),
    fips140Godebug: /(?:^|,)fips140=([^,]+)/.exec(get('DefaultGODEBUG') ?? '')?.[1] ?? null,
  };
}
