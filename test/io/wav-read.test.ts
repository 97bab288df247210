// Reader tests on files built byte by byte (independent of the writer).
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WavReader, probeWav } from '../../src/io/index.ts';
import { chunk, fmtChunk, intSamples, ksGuid, riff, tempDir } from './helpers.ts';

const path = tempDir();

function readAll(file: string): Float32Array {
  const r = WavReader.open(file);
  const out = new Float32Array(r.info.frames * r.info.channels);
  expect(r.read(0, r.info.frames, out)).toBe(r.info.frames);
  r.close();
  return out;
}

function save(name: string, bytes: Buffer): string {
  const file = path(name);
  writeFileSync(file, bytes);
  return file;
}

describe('integer PCM', () => {
  it.each([16, 24, 32] as const)('%i-bit codes divide by 2^(bits-1), so the most negative code is -1.0', (bits) => {
    const full = 2 ** (bits - 1);
    const codes = [0, 1, -1, full - 1, -full, full / 2, -full / 4, 12345];
    const file = save(`int${bits}.wav`, riff([fmtChunk({ tag: 1, channels: 2, bits }), chunk('data', intSamples(bits, codes))]));
    const info = probeWav(file);
    expect(info).toMatchObject({ channels: 2, bitsPerSample: bits, sampleFormat: 'int', frames: 4, channelMask: null, rf64: false });
    expect(Array.from(readAll(file))).toEqual(codes.map((c) => Math.fround(c / full)));
  });

  it('reads WAVE_FORMAT_EXTENSIBLE PCM with its channel mask', () => {
    const codes = [1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6];
    const fmt = fmtChunk({ tag: 0xfffe, channels: 6, bits: 24, ext: { mask: 0x60f, subTag: 1 } });
    const file = save('ext24.wav', riff([fmt, chunk('data', intSamples(24, codes))]));
    expect(probeWav(file)).toMatchObject({ channels: 6, channelMask: 0x60f, frames: 2, dataOffset: 12 + 48 + 8 });
    expect(Array.from(readAll(file))).toEqual(codes.map((c) => c / 2 ** 23));
  });

  it('accepts fewer valid bits than the container (20 in 24): samples are left-justified', () => {
    const fmt = fmtChunk({ tag: 0xfffe, channels: 1, bits: 24, ext: { mask: 4, validBits: 20 } });
    const file = save('valid20.wav', riff([fmt, chunk('data', intSamples(24, [-(2 ** 23), 16]))]));
    expect(Array.from(readAll(file))).toEqual([-1, 2 ** -19]);
  });
});

describe('float', () => {
  const values = [0, 0.1, -0.5, 1, -1, 1.25, 1e-10];

  it('reads 32-bit float (tag 3)', () => {
    const data = Buffer.alloc(values.length * 4);
    values.forEach((v, i) => data.writeFloatLE(v, i * 4));
    const file = save('f32.wav', riff([fmtChunk({ tag: 3, channels: 1, bits: 32 }), chunk('data', data)]));
    expect(probeWav(file)).toMatchObject({ sampleFormat: 'float', bitsPerSample: 32 });
    expect(Array.from(readAll(file))).toEqual(values.map(Math.fround));
  });

  it.each([
    ['tag 3', fmtChunk({ tag: 3, channels: 1, bits: 64 })],
    ['EXTENSIBLE + IEEE_FLOAT GUID', fmtChunk({ tag: 0xfffe, channels: 1, bits: 64, ext: { mask: 4, subTag: 3 } })],
  ])('reads 64-bit float (%s), rounding to float32', (_name, fmt) => {
    const data = Buffer.alloc(values.length * 8);
    values.forEach((v, i) => data.writeDoubleLE(v, i * 8));
    const file = save(`f64-${_name.length}.wav`, riff([fmt, chunk('data', data)]));
    expect(probeWav(file)).toMatchObject({ sampleFormat: 'float', bitsPerSample: 64, blockAlign: 8, frames: values.length });
    expect(Array.from(readAll(file))).toEqual(values.map(Math.fround));
  });
});

describe('chunk walking', () => {
  it('skips unknown chunks, including odd-sized ones with their pad byte, before and after data', () => {
    const odd = chunk('LIST', Buffer.from('abcde')); // 5 bytes + pad
    expect(odd.length).toBe(14);
    const file = save(
      'odd.wav',
      riff([
        chunk('junk', Buffer.alloc(3, 0xff)),
        fmtChunk({ tag: 1, channels: 1, bits: 16 }),
        odd,
        chunk('iXML', Buffer.from('<BWFXML/>')),
        chunk('data', intSamples(16, [100, -100, 7])), // 6 bytes
        chunk('cue ', Buffer.alloc(7)),
      ]),
    );
    const info = probeWav(file);
    expect(info.dataOffset).toBe(12 + 12 + 24 + 14 + 18 + 8);
    expect(info.frames).toBe(3);
    expect(Array.from(readAll(file))).toEqual([100 / 32768, -100 / 32768, 7 / 32768]);
  });

  it('reads a mono 24-bit odd-sized data chunk followed by its pad byte and another chunk', () => {
    const file = save(
      'odd-data.wav',
      riff([fmtChunk({ tag: 1, channels: 1, bits: 24 }), chunk('data', intSamples(24, [1, 2, 3])), chunk('bext', Buffer.alloc(602))]),
    );
    expect(probeWav(file)).toMatchObject({ frames: 3, dataBytes: 9 });
    expect(probeWav(file).bext).not.toBeNull(); // found after data
  });

  it('accepts fmt after data, a wrong RIFF size and trailing garbage after the data', () => {
    const bytes = riff([chunk('data', intSamples(16, [1, 2])), fmtChunk({ tag: 1, channels: 2, bits: 16 })]);
    bytes.writeUInt32LE(12, 4); // wrong RIFF size
    const file = save('lenient.wav', Buffer.concat([bytes, Buffer.from('TAG garbage that is not a chunk')]));
    expect(Array.from(readAll(file))).toEqual([1 / 32768, 2 / 32768]);
  });

  it('reads RF64 with the data size in ds64', () => {
    const ds64 = Buffer.alloc(28);
    ds64.writeBigUInt64LE(1000n, 0);
    ds64.writeBigUInt64LE(8n, 8); // data size
    ds64.writeBigUInt64LE(2n, 16);
    const data = intSamples(16, [1, -1, 2, -2]);
    const file = save(
      'rf64.wav',
      riff([chunk('ds64', ds64), fmtChunk({ tag: 1, channels: 2, bits: 16 }), chunk('data', data, 0xffffffff), chunk('LIST', Buffer.alloc(4))], 'RF64'),
    );
    expect(probeWav(file)).toMatchObject({ rf64: true, frames: 2, dataBytes: 8 });
    expect(Array.from(readAll(file))).toEqual([1, -1, 2, -2].map((c) => c / 32768));
  });
});

describe('WavReader.read bounds', () => {
  const file = save('bounds.wav', riff([fmtChunk({ tag: 1, channels: 2, bits: 16 }), chunk('data', intSamples(16, [1, 2, 3, 4, 5, 6]))]));

  it('returns fewer frames past the end and 0 from the end on', () => {
    const r = WavReader.open(file);
    const out = new Float32Array(20).fill(9);
    expect(r.read(1, 10, out)).toBe(2);
    expect(Array.from(out.subarray(0, 5))).toEqual([3 / 32768, 4 / 32768, 5 / 32768, 6 / 32768, 9]);
    expect(r.read(3, 5, out)).toBe(0);
    expect(r.read(100, 5, out)).toBe(0);
    expect(r.read(0, 0, out)).toBe(0);
    r.close();
  });

  it('rejects a too-small output, bad counts and use after close', () => {
    const r = WavReader.open(file);
    expect(() => r.read(0, 3, new Float32Array(5))).toThrow(RangeError);
    expect(() => r.read(-1, 1, new Float32Array(2))).toThrow(RangeError);
    expect(() => r.read(0.5, 1, new Float32Array(2))).toThrow(RangeError);
    r.close();
    r.close(); // idempotent
    expect(() => r.read(0, 1, new Float32Array(2))).toThrow(/closed/);
  });
});

it('ksGuid helper matches the published KSDATAFORMAT_SUBTYPE_PCM GUID 00000001-0000-0010-8000-00aa00389b71', () => {
  expect(ksGuid(1).toString('hex')).toBe('0100000000001000800000aa00389b71');
});
