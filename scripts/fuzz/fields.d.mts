// Types of fields.mjs, for the TypeScript tests.
export interface Field {
  off: number;
  width: 1 | 2 | 4 | 8 | 'uvarint';
  be: boolean;
  kind: 'count' | 'offset' | 'size' | 'link' | 'next' | 'value' | 'table';
  group: string;
}
export interface OverlayOp {
  off: number;
  bytes?: number[];
  len?: number;
  from?: number;
  pattern?: number[];
  repeat?: { from: number; period: number };
}
export function binaryFields(b: Uint8Array, hints?: { pclntab?: number | null }): Field[];
export function encode(v: number, width: Field['width'], be: boolean): number[];
export function readField(b: Uint8Array, off: number, width: Field['width'], be: boolean): number;
export function shape(fields: Field[], size: number, r: () => number, ops: OverlayOp[]): boolean;
export function fieldMutations(r: () => number, fields: Field[], base: Uint8Array): { ops: OverlayOp[]; size: number };
