import { UnsupportedError } from '../errors.js';
import type { ByteSource } from '../io/source.js';
import type { ObjectFile } from './types.js';
// PLACEHOLDER until the PE reader lands.
export async function openPE(_src: ByteSource): Promise<ObjectFile> {
  throw new UnsupportedError('PE not yet supported');
}
