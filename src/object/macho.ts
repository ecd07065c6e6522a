import { UnsupportedError } from '../errors.js';
import type { ByteSource } from '../io/source.js';
import type { OpenedObject } from './open.js';
import type { ObjectFile } from './types.js';
// PLACEHOLDER until the Mach-O reader lands.
export async function openMachO(_src: ByteSource): Promise<ObjectFile> {
  throw new UnsupportedError('Mach-O not yet supported');
}
export async function openFat(_src: ByteSource): Promise<OpenedObject[]> {
  throw new UnsupportedError('Mach-O not yet supported');
}
