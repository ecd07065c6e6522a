/** The code stage's decoders for probe sites: arm64 by masks, x86 through iced-x86 (loaded on first use). */
import type { Decode } from '../../core/analyses/trace/http-target.js';
import { X86Decoder } from '../../core/code/amd64.js';
import { decodeArm64 } from '../../core/code/arm64.js';
import { loadIced } from '../code/iced.js';

export function decoder(): Decode {
  let x86: X86Decoder | null = null;
  return (arch, bytes, addr) => {
    if (arch === 'arm64') return decodeArm64(bytes, addr);
    if (arch !== 'amd64') return [];
    x86 ??= new X86Decoder(loadIced(), 64);
    return x86.decode(bytes, addr);
  };
}
