import type { BuildInfoData } from '../go/modinfo.js';

/** What the size rules (GR-SIZE-*) read: a binary's size attribution and how it was built. */
export interface SizeFacts {
  path: string;
  fileSize: number;
  /** Bytes per module and pseudo-module (`<symtab>`, `<dwarf>`, `<C>` …), largest first. */
  modules: { path: string; bytes: number }[];
  buildInfo: BuildInfoData | null;
  /** The pclntab's file-name table. */
  files: string[];
  /** The file is packed with UPX. */
  upx: boolean;
}
