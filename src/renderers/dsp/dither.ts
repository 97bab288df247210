/**
 * TPDF dither and quantisation to 16 or 24 bits.
 *
 * With S = 2^(bits − 1) steps per unit (one LSB = 1/S of full scale), each sample
 * x ∈ [−1, 1) becomes
 *
 *   v = S·x + d,   d = u₁ − u₂,   u₁, u₂ uniform on [0, 1), independent (TPDF, ±1 LSB)
 *   k = clamp(⌊v + ½⌋, −S, S − 1)                                    (round to nearest)
 *   y = k / S                                                         (float, on the grid)
 *
 * d has a triangular density on (−1, 1) LSB: mean 0, variance 2·(1/12) = 1/6 LSB².
 * Triangular dither of that width is the smallest that makes the first and
 * second moments of the total error e = y − x independent of the signal
 * (Vanderkooy & Lipshitz; Wannamaker 2000): E[e] = 0 and
 * E[e²] = 1/6 + 1/12 = 1/4 LSB² for every input, so quantisation leaves
 * a steady noise floor instead of signal-dependent distortion, and tones
 * below one LSB survive, in the noise. No noise shaping.
 *
 * The noise comes from xoshiro128** (Blackman & Vigna, 2018: 128-bit state,
 * period 2^128 − 1, 32-bit outputs, every bit of good quality thanks to the
 * ** scrambler); one output per sample gives both variates, u₁ from its high
 * and u₂ from its low 16 bits (steps of 2^−16 LSB, far finer than matters;
 * the variance is 1/6 · (1 − 2^−32)). It is seeded with the first 128 bits of
 * SHA-256(seed) — the seed is a node key, so a render is reproducible and
 * two nodes get independent noise. Never Math.random. Samples draw from the
 * one stream in interleaved order (frame by frame, channel by channel), so
 * the output does not depend on how the input is split into blocks; channels
 * get uncorrelated noise.
 */

import { createHash } from 'node:crypto';

export type DitherBits = 16 | 24;

export interface DitherOptions {
  readonly bits: DitherBits;
  readonly channels: number;
  /** e.g. a node key; hashed (SHA-256) to seed the PRNG */
  readonly seed: string;
}

export interface Dither {
  readonly bits: DitherBits;
  readonly channels: number;
  /** Dithers and quantises `frames` interleaved frames of `buf` in place. Allocation-free. */
  process(buf: Float32Array, frames: number): void;
}

/** A xoshiro128** generator. */
export interface Xoshiro128 {
  /** the next 32-bit output, as an unsigned integer 0 … 2^32 − 1 */
  next(): number;
  /** the current state (4 words); a copy */
  state(): Uint32Array;
}

/** The 128-bit xoshiro state for a seed string: the first 16 bytes of its SHA-256, as 4 little-endian words (never all zero). */
export function seedState(seed: string): Uint32Array {
  const h = createHash('sha256').update(seed, 'utf8').digest();
  const s = new Uint32Array(4);
  for (let i = 0; i < 4; i++) s[i] = h.readUInt32LE(4 * i);
  if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1; // the all-zero state is the generator's one fixed point
  return s;
}

/**
 * xoshiro128**: output = rotl(s1·5, 7)·9, then
 *   t = s1 << 9; s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11)
 * (all arithmetic mod 2^32).
 */
export function createXoshiro128(seed: string | Uint32Array): Xoshiro128 {
  const init = typeof seed === 'string' ? seedState(seed) : seed;
  if (init.length !== 4) throw new RangeError(`xoshiro128: state must be 4 words, got ${init.length}`);
  if ((init[0]! | init[1]! | init[2]! | init[3]!) === 0) throw new RangeError('xoshiro128: the all-zero state is invalid');
  let s0 = init[0]! | 0, s1 = init[1]! | 0, s2 = init[2]! | 0, s3 = init[3]! | 0;
  return {
    next(): number {
      const m = Math.imul(s1, 5);
      const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      return r;
    },
    state(): Uint32Array {
      return Uint32Array.of(s0, s1, s2, s3);
    },
  };
}

/** 2^−16: maps a 16-bit half to [0, 1). */
const U16 = 1 / 65536;

/** The TPDF variate d = u₁ − u₂ ∈ (−1, 1) (in LSB) that one 32-bit output `r` gives: u₁ from its high, u₂ from its low 16 bits. */
export function tpdf(r: number): number {
  return ((r >>> 16) - (r & 0xffff)) * U16;
}

class TpdfDither implements Dither {
  readonly bits: DitherBits;
  readonly channels: number;
  private readonly s: Int32Array;

  constructor(o: DitherOptions) {
    if (o.bits !== 16 && o.bits !== 24) throw new RangeError(`dither: bits must be 16 or 24, got ${String(o.bits)}`);
    if (!Number.isInteger(o.channels) || o.channels < 1) throw new RangeError(`dither: invalid channel count ${o.channels}`);
    if (typeof o.seed !== 'string' || o.seed.length === 0) throw new RangeError('dither: a non-empty seed string is required');
    this.bits = o.bits;
    this.channels = o.channels;
    this.s = new Int32Array(seedState(o.seed).buffer);
  }

  process(buf: Float32Array, frames: number): void {
    if (!Number.isInteger(frames) || frames < 0) throw new RangeError(`dither: invalid frame count ${frames}`);
    const n = frames * this.channels;
    if (buf.length < n) throw new RangeError(`dither: ${frames} frames of ${this.channels} channels exceed a buffer of ${buf.length}`);
    const S = 2 ** (this.bits - 1);
    const inv = 1 / S; // exact: a power of two
    const kMin = -S;
    const kMax = S - 1;
    const st = this.s;
    let s0 = st[0]!, s1 = st[1]!, s2 = st[2]!, s3 = st[3]!;
    for (let i = 0; i < n; i++) {
      // one xoshiro128** output (inlined: see createXoshiro128)
      const m = Math.imul(s1, 5);
      const r = Math.imul((m << 7) | (m >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      // v = S·x + (u₁ − u₂) (see tpdf), then round to nearest and clip to the integer range
      const x = buf[i]!;
      let k = Math.floor(x * S + ((r >>> 16) - (r & 0xffff)) * U16 + 0.5);
      if (k > kMax) k = kMax;
      else if (k < kMin) k = kMin;
      else if (k !== k) throw new RangeError(`dither: sample ${i} is not a number`);
      buf[i] = k * inv;
    }
    st[0] = s0;
    st[1] = s1;
    st[2] = s2;
    st[3] = s3;
  }
}

/** Creates a TPDF ditherer/quantiser (see the file comment). */
export function createDither(options: DitherOptions): Dither {
  return new TpdfDither(options);
}
