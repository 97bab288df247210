// Test helpers: temp files, a seeded PRNG and a hand-built WAV byte builder that is independent
// of src/io/wav-write.ts (so reader tests do not just test the writer against itself).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A temp directory removed after the test file; returns a function making paths inside it. */
export function tempDir(): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), 'postaudio-io-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name) => join(dir, name);
}

/** mulberry32: small deterministic PRNG returning floats in [0, 1). */
export { prng } from '../helpers/signals.ts';

/** A RIFF chunk: id, u32 size, body, pad byte when the body is odd. */
export function chunk(id: string, body: Uint8Array, sizeField = body.length): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 4, 'latin1');
  head.writeUInt32LE(sizeField >>> 0, 4);
  const pad = body.length % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0);
  return Buffer.concat([head, body, pad]);
}

export interface FmtSpec {
  tag: number;
  channels: number;
  sampleRate?: number;
  bits: number;
  blockAlign?: number;
  /** WAVE_FORMAT_EXTENSIBLE extension: written when given (tag should be 0xFFFE). */
  ext?: { validBits?: number; mask: number; subTag?: number; guid?: Uint8Array };
}

/** The 16 on-disk bytes of KSDATAFORMAT_SUBTYPE_<tag>, written out literally. */
export function ksGuid(tag: number): Buffer {
  const g = Buffer.from('0000000000001000800000aa00389b71', 'hex');
  g.writeUInt16LE(tag, 0);
  return g;
}

export function fmtChunk(s: FmtSpec): Buffer {
  const rate = s.sampleRate ?? 48000;
  const blockAlign = s.blockAlign ?? (s.channels * s.bits) / 8;
  const b = Buffer.alloc(s.ext ? 40 : 16);
  b.writeUInt16LE(s.tag, 0);
  b.writeUInt16LE(s.channels, 2);
  b.writeUInt32LE(rate, 4);
  b.writeUInt32LE(rate * blockAlign, 8);
  b.writeUInt16LE(blockAlign, 12);
  b.writeUInt16LE(s.bits, 14);
  if (s.ext) {
    b.writeUInt16LE(22, 16);
    b.writeUInt16LE(s.ext.validBits ?? s.bits, 18);
    b.writeUInt32LE(s.ext.mask, 20);
    (s.ext.guid ? Buffer.from(s.ext.guid) : ksGuid(s.ext.subTag ?? 1)).copy(b, 24);
  }
  return chunk('fmt ', b);
}

/** A whole file: magic, RIFF size = total - 8, WAVE, then the chunks. */
export function riff(chunks: Buffer[], magic = 'RIFF'): Buffer {
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(12);
  head.write(magic, 0, 4, 'latin1');
  head.writeUInt32LE(magic === 'RIFF' ? body.length + 4 : 0xffffffff, 4);
  head.write('WAVE', 8, 4, 'latin1');
  return Buffer.concat([head, body]);
}

/** Little-endian sample bytes from integer codes. */
export function intSamples(bits: 16 | 24 | 32, codes: number[]): Buffer {
  const bytes = bits / 8;
  const b = Buffer.alloc(codes.length * bytes);
  codes.forEach((c, i) => b.writeIntLE(c, i * bytes, bytes));
  return b;
}

/** Locate a chunk in a file's bytes by walking the chunk list; returns the body offset and size field. */
export function findChunk(file: Buffer, id: string): { offset: number; size: number } | null {
  for (let pos = 12; pos + 8 <= file.length; ) {
    const size = file.readUInt32LE(pos + 4);
    if (file.toString('latin1', pos, pos + 4) === id) return { offset: pos + 8, size };
    if (size === 0xffffffff) return null;
    pos += 8 + size + (size % 2);
  }
  return null;
}
