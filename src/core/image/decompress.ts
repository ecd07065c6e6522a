/**
 * Layer compression: detection from the media type and the magic bytes, and push-based streaming
 * decoders (fflate for gzip, fzstd for zstd). Pure: no Node APIs.
 */
import { Gunzip } from 'fflate';
import { Decompress as Unzstd } from 'fzstd';
import { ZstdFrameError, ZstdFrameScanner } from './zstd-frames.js';

/**
 * The largest zstd window goready decodes. fzstd (0.1.1) reads a match offset through a 32-bit
 * window that holds only 25 bits past the byte boundary, so offsets beyond 96 MiB — possible only
 * in frames with windows over 64 MiB (`zstd --long`, `--ultra -22`) — decode silently wrong
 * (fzstd issue #19, pull request #22). Such frames are refused, never mis-read.
 */
export const MAX_ZSTD_WINDOW = 64 << 20;

/**
 * fzstd moves its whole window once per block, whatever the block's size: that work is charged as
 * window / ZSTD_WORK_RATIO bytes a block, so a stream of tiny blocks in a large window costs what
 * its decoding costs. At the 8 MiB window of common encoders a full 128 KiB block is charged its size.
 */
export const ZSTD_BLOCK_CHARGE_RATIO = 64;

/** An error raised by the consumer of a decoder's output (the tar reader, a limit): passed through as it is. */
class SinkError extends Error {
  constructor(readonly inner: unknown) {
    super('sink');
  }
}

export type Compression = 'none' | 'gzip' | 'zstd';

/** What the magic bytes say: gzip (1f 8b), zstd (28 b5 2f fd), or null (anything else: a plain tar or garbage). */
export function sniffCompression(first: Uint8Array): Compression | null {
  if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) return 'gzip';
  if (first.length >= 4 && first[0] === 0x28 && first[1] === 0xb5 && first[2] === 0x2f && first[3] === 0xfd) return 'zstd';
  return null;
}

/** What an OCI or Docker layer media type says; null when there is none or it names no compression we know. */
export function mediaTypeCompression(mediaType: string | null): Compression | null {
  if (!mediaType) return null;
  if (/[+.]gzip$/.test(mediaType) || mediaType === 'application/vnd.docker.image.rootfs.diff.tar.gzip') return 'gzip';
  if (/[+.]zstd$/.test(mediaType)) return 'zstd';
  if (/\.tar$/.test(mediaType) || mediaType === 'application/vnd.docker.image.rootfs.diff.tar') return 'none';
  return null;
}

/**
 * Decides a layer's compression from both: the magic bytes win when they name a compression (docker
 * save writes gzip layers as "layer.tar" with no media type at all); a media type that promises a
 * compression the bytes do not have is an error (returned as a message).
 */
export function layerCompression(mediaType: string | null, first: Uint8Array): Compression | string {
  const sniffed = sniffCompression(first);
  const declared = mediaTypeCompression(mediaType);
  if (sniffed) return sniffed;
  if (declared === 'gzip' || declared === 'zstd') {
    return `media type ${mediaType} says ${declared} but the blob does not start with the ${declared} magic bytes`;
  }
  return 'none';
}

export interface Decoder {
  /** Pushes compressed bytes; decompressed output goes to the callback given at creation, in bounded chunks. */
  push(chunk: Uint8Array): void;
  /** The input ended: throws when the compressed stream is incomplete. */
  end(): void;
}

/**
 * Input is fed to fflate in slices this large: fflate inflates a whole push at once, so the output of
 * one push is at most ~1032 times this (deflate's best ratio): 4 MiB. (Throughput does not depend on it.)
 */
const GZIP_SLICE = 4 << 10;

/** What fflate's Gunzip and fzstd's Decompress both are: push input, get output through a callback. */
interface PushDecoder {
  push(chunk: Uint8Array, final?: boolean): void;
}

export interface DecoderOptions {
  /**
   * Called with the bytes of decoder work a zstd block costs beyond its output (see
   * ZSTD_BLOCK_CHARGE_RATIO), before the block is decoded; may throw to stop.
   */
  onWork?: (bytes: number) => void;
}

/**
 * A streaming decoder for one layer. Errors of the compressed data are rethrown as one line saying
 * where; errors thrown by `ondata` (the tar reader's, a limit's) pass through unchanged, so a tar
 * error is reported as a tar error.
 */
export function createDecoder(kind: Compression, ondata: (chunk: Uint8Array) => void, opts: DecoderOptions = {}): Decoder {
  if (kind === 'none') {
    return { push: (c) => ondata(c), end: () => {} };
  }
  let fed = 0;
  let finished = false;
  const sink = (data: Uint8Array, final?: boolean) => {
    try {
      if (data.length) ondata(data);
    } catch (e) {
      throw new SinkError(e);
    }
    if (final) finished = true;
  };
  // fzstd already emits block by block, so its input needs no slicing; the frame scanner sees each
  // frame's header and block headers before fzstd does.
  const [d, slice]: [PushDecoder, number] = kind === 'gzip' ? [new Gunzip(sink), GZIP_SLICE] : [new Unzstd(sink), 64 << 10];
  const scanner =
    kind === 'zstd'
      ? new ZstdFrameScanner(
          (f) => {
            if (f.window > MAX_ZSTD_WINDOW)
              throw new ZstdFrameError(
                `zstd frame at compressed offset ${f.offset} has a ${Math.round(f.window / (1 << 20))} MiB window (zstd --long or --ultra): goready decodes windows up to ${MAX_ZSTD_WINDOW >> 20} MiB, because its zstd decoder (fzstd 0.1.1) mis-decodes matches farther than 96 MiB (fzstd issue #19); recompress the layer without --long`,
              );
          },
          (window) => opts.onWork?.(Math.floor(window / ZSTD_BLOCK_CHARGE_RATIO)),
        )
      : null;
  const wrap = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (e instanceof SinkError) throw e.inner;
      if (e instanceof ZstdFrameError) throw new Error(e.message.startsWith('zstd frame at') ? e.message : `corrupt zstd data: ${e.message}`);
      const m = (e as Error).message;
      throw new Error(
        `corrupt ${kind} data near compressed offset ${fed}: ${kind === 'zstd' && m === 'unexpected EOF' ? 'the stream ends before its end' : m}`,
      );
    }
  };
  return {
    push(chunk) {
      for (let i = 0; i < chunk.length; i += slice) {
        const s = chunk.subarray(i, i + slice);
        wrap(() => {
          scanner?.push(s);
          d.push(s, false);
        });
        fed += s.length;
      }
    },
    end() {
      wrap(() => {
        scanner?.end();
        d.push(new Uint8Array(0), true);
      });
      if (!finished) throw new Error(`corrupt ${kind} data: the stream ends at compressed offset ${fed} before its end`);
    },
  };
}
