import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WavError, WavReader, WavWriter, probeWav, type WavErrorCode } from '../../src/io/index.ts';
import { chunk, fmtChunk, intSamples, prng, riff, tempDir } from './helpers.ts';

const path = tempDir();

function save(name: string, bytes: Buffer | string): string {
  const file = path(name);
  writeFileSync(file, bytes);
  return file;
}

function errorOf(fn: () => unknown): WavError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WavError);
    return err as WavError;
  }
  throw new Error('expected a WavError');
}

function expectCode(file: string, code: WavErrorCode, message?: RegExp): WavError {
  const err = errorOf(() => probeWav(file));
  expect(err.code).toBe(code);
  if (message) expect(err.message).toMatch(message);
  // WavReader.open fails the same way
  expect(errorOf(() => WavReader.open(file)).code).toBe(code);
  return err;
}

const data16 = chunk('data', intSamples(16, [1, 2, 3, 4]));

describe('PA301: not a WAV file', () => {
  const random = prng(99);
  const noise = Buffer.alloc(4096);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(random() * 256);

  it.each([
    ['random bytes', noise],
    ['a text file', 'postaudio: 1\nproject: { title: Lighthouse }\n'],
    ['an empty file', Buffer.alloc(0)],
    ['a RIFF that is not WAVE (AVI)', Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('AVI LIST')])],
    ['an 11-byte file', Buffer.from('RIFF\0\0\0\0WAV')],
  ])('%s', (name, bytes) => {
    expectCode(save(`pa301-${name.replace(/\W/g, '')}.wav`, bytes), 'PA301');
  });

  it('a missing file and a directory', () => {
    expectCode(path('does-not-exist.wav'), 'PA301', /cannot open/);
    const dir = path('a-directory.wav');
    mkdirSync(dir);
    expectCode(dir, 'PA301', /not a regular file/);
  });
});

describe('PA302: malformed header', () => {
  const fmtShort = chunk('fmt ', Buffer.alloc(14));
  it.each([
    ['zero channels', riff([fmtChunk({ tag: 1, channels: 0, bits: 16, blockAlign: 2 }), data16]), /0 channels/],
    ['a sample rate of 0', riff([fmtChunk({ tag: 1, channels: 1, bits: 16, sampleRate: 0 }), data16]), /sample rate/],
    ['an absurd block align', riff([fmtChunk({ tag: 1, channels: 2, bits: 16, blockAlign: 4000 }), data16]), /block align 4000/],
    ['a 14-byte fmt chunk', riff([fmtShort, data16]), /fmt chunk is 14 bytes/],
    ['a short EXTENSIBLE fmt chunk', riff([chunk('fmt ', fmtChunk({ tag: 0xfffe, channels: 1, bits: 16 }).subarray(8)), data16]), /EXTENSIBLE/],
    ['no fmt chunk', riff([data16]), /no fmt chunk/],
    ['no data chunk', riff([fmtChunk({ tag: 1, channels: 1, bits: 16 }), chunk('LIST', Buffer.alloc(4))]), /no data chunk/],
    ['valid bits above the container', riff([fmtChunk({ tag: 0xfffe, channels: 1, bits: 16, ext: { mask: 4, validBits: 24 } }), data16]), /valid bits/],
    ['RF64 without ds64', riff([fmtChunk({ tag: 1, channels: 1, bits: 16 }), data16], 'RF64'), /ds64/],
  ])('%s', (name, bytes, message) => {
    expectCode(save(`pa302-${name.replace(/\W/g, '')}.wav`, bytes), 'PA302', message);
  });
});

describe('PA303: truncated', () => {
  it('reports the whole frames present, and allowTruncated reads them', () => {
    const file = path('truncated.wav');
    const w = WavWriter.create(file, { sampleRate: 48000, channels: 2, bits: 24 });
    const input = new Float32Array(2000).map((_, i) => (i % 200) / 256 - 0.4);
    w.write(input, 1000);
    w.close();
    const full = probeWav(file);
    truncateSync(file, full.dataOffset + 401 * 6 + 5); // 401 whole frames and a partial one

    const err = expectCode(file, 'PA303', /1000 frames.*401 frames/);
    expect(err.framesAvailable).toBe(401);

    const r = WavReader.open(file, { allowTruncated: true });
    expect(r.info.frames).toBe(401);
    const out = new Float32Array(2000);
    expect(r.read(0, 1000, out)).toBe(401);
    expect(Array.from(out.subarray(0, 802))).toEqual(Array.from(input.subarray(0, 802)).map((v) => Math.round(v * 2 ** 23) / 2 ** 23));
    r.close();
  });

  it('a file that ends inside a header chunk has 0 frames available', () => {
    const bytes = riff([fmtChunk({ tag: 1, channels: 1, bits: 16 }), chunk('bext', Buffer.alloc(602))]);
    const err = expectCode(save('cut-bext.wav', bytes.subarray(0, bytes.length - 100)), 'PA303', /bext/);
    expect(err.framesAvailable).toBe(0);
  });

  it('a never-finalised data size (0xFFFFFFFF in a RIFF file) is truncation', () => {
    const bytes = riff([fmtChunk({ tag: 1, channels: 1, bits: 16 }), chunk('data', intSamples(16, [1, 2, 3]), 0xffffffff)]);
    expect(expectCode(save('unfinalised.wav', bytes), 'PA303').framesAvailable).toBe(3);
  });
});

describe('PA304: unsupported encoding', () => {
  it.each([
    ['8-bit PCM', fmtChunk({ tag: 1, channels: 1, bits: 8 }), /8-bit/],
    ['12-bit PCM', fmtChunk({ tag: 1, channels: 1, bits: 12, blockAlign: 2 }), /12-bit/],
    ['MS ADPCM', fmtChunk({ tag: 2, channels: 1, bits: 4, blockAlign: 256 }), /ADPCM/],
    ['IMA ADPCM', fmtChunk({ tag: 0x11, channels: 1, bits: 4, blockAlign: 256 }), /ADPCM/],
    ['mp3 in WAV', fmtChunk({ tag: 0x55, channels: 2, bits: 0, blockAlign: 1 }), /MPEG layer 3/],
    ['16-bit float', fmtChunk({ tag: 3, channels: 1, bits: 16 }), /16-bit float/],
    ['9 channels', fmtChunk({ tag: 1, channels: 9, bits: 16 }), /9 channels/],
    ['an unknown EXTENSIBLE GUID', fmtChunk({ tag: 0xfffe, channels: 1, bits: 16, ext: { mask: 4, guid: Buffer.alloc(16, 7) } }), /GUID/],
    ['EXTENSIBLE ADPCM', fmtChunk({ tag: 0xfffe, channels: 1, bits: 16, ext: { mask: 4, subTag: 2 } }), /ADPCM/],
  ])('%s', (name, fmt, message) => {
    expectCode(save(`pa304-${name.replace(/\W/g, '')}.wav`, riff([fmt, data16])), 'PA304', message);
  });
});

it('the message names the file', () => {
  const file = save('named.txt', 'hello');
  expect(errorOf(() => probeWav(file)).message).toContain(file);
  expect(readFileSync(file, 'utf8')).toBe('hello'); // probing never writes
});
