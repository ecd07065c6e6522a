import type { Damage } from '../errors.js';
import type { CryptoFacts } from '../go/crypto.js';
import type { BuildInfoData } from '../go/modinfo.js';
import type { Format, Kind, Linkage } from '../object/types.js';

/** What `inspect` reports for one binary. Field names are part of the product: see schema/inspect-report.schema.json. */
export interface InspectReport {
  path: string;
  file: FileFacts;
  go: GoFacts;
  buildInfo: BuildInfoData | null;
  pclntab: PclntabFacts | null;
  linkage: LinkageFacts;
  /** One line per problem found: not Go, no build info, packed, garbled, truncated. */
  diagnosis: string[];
  /** The malformed structures among them (truncated or corrupt): the input is damaged. */
  damage: Damage[];
  functions?: FunctionFacts[];
}

export interface FileFacts {
  format: Format;
  arch: string;
  bits: 32 | 64;
  endian: 'little' | 'big';
  kind: Kind;
  size: number;
  stripped: boolean;
  dwarf: boolean;
  /** Go build ID (ELF note or the string at the start of text); null when absent. */
  buildId: string | null;
  /** Slice of a universal Mach-O, else null. */
  universal: { index: number; count: number } | null;
}

export type VersionSource = 'buildinfo' | 'symbol' | 'scan';

export interface GoFacts {
  isGo: boolean;
  version: string | null;
  versionSource: VersionSource | null;
  /** GOEXPERIMENTs recorded in the version string (`go1.20 X:boringcrypto`). */
  experiments: string[];
  /** BoringCrypto, GOFIPS140 and fips140 GODEBUG, from the version string and build settings. */
  crypto: CryptoFacts;
}

export interface PclntabFacts {
  format: 'go1.2' | 'go1.16' | 'go1.18' | 'go1.20';
  functionCount: number;
  locatedBy: 'section' | 'symbol' | 'moduledata' | 'scan';
  /** File offset of the table. */
  offset: number;
  textStart: number;
  ptrSize: number;
  quantum: number;
}

export interface LinkageFacts extends Linkage {
  /** Oldest glibc that provides every GLIBC_* version the binary needs; null when none is needed. */
  minGlibc: string | null;
}

export interface FunctionFacts {
  name: string;
  entry: number;
  size: number;
  package: string;
  file?: string;
}
