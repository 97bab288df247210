import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WavError, WavReader, WavWriter, channelMaskFor, probeWav, type Bext, type WavWriteOptions } from '../../src/io/index.ts';
import { findChunk, tempDir } from './helpers.ts';
import { whiteNoise } from '../helpers/signals.ts';

const path = tempDir();

function writeFile(name: string, opts: WavWriteOptions, samples: Float32Array): string {
  const file = path(name);
  const w = WavWriter.create(file, opts);
  w.write(samples, samples.length / opts.channels);
  w.close();
  return file;
}

function readAll(file: string): Float32Array {
  const r = WavReader.open(file);
  const out = new Float32Array(r.info.frames * r.info.channels);
  r.read(0, r.info.frames, out);
  r.close();
  return out;
}

const bext: Bext = {
  description: 'Lighthouse — printmaster'.replace('—', '-'),
  originator: 'postaudio 0.1.0',
  originatorReference: 'LH_PM_51_R1',
  originationDate: '2027-03-01',
  originationTime: '10:00:00',
  timeReference: 2n ** 40n + 172_800_000n, // high dword non-zero
  loudness: { integrated: -27.04, range: 11.5, maxTruePeak: -2.01, maxMomentary: -14.3, maxShortTerm: -18.96 },
  codingHistory: 'A=PCM,F=48000,W=24,M=multichannel,T=postaudio\r\n', // odd length: NUL-padded
};

describe('header layout', () => {
  it('RIFF, JUNK(28) right after the header, fmt, data; sizes patched', () => {
    const file = writeFile('layout.wav', { sampleRate: 48000, channels: 2, bits: 16 }, new Float32Array(10));
    const b = readFileSync(file);
    expect(b.toString('latin1', 0, 4)).toBe('RIFF');
    expect(b.readUInt32LE(4)).toBe(b.length - 8);
    expect(b.toString('latin1', 8, 16)).toBe('WAVEJUNK');
    expect(b.readUInt32LE(16)).toBe(28);
    expect(b.subarray(20, 48).every((x) => x === 0)).toBe(true);
    expect(b.toString('latin1', 48, 52)).toBe('fmt ');
    expect(findChunk(b, 'data')).toEqual({ offset: 48 + 24 + 8, size: 20 });
    expect(b.length).toBe(48 + 24 + 8 + 20);
    // byte rate and block align
    expect(b.readUInt32LE(48 + 8 + 8)).toBe(48000 * 4);
    expect(b.readUInt16LE(48 + 8 + 12)).toBe(4);
  });

  it('pads an odd data chunk, counting the pad in the RIFF size but not in the data size', () => {
    const file = writeFile('odd.wav', { sampleRate: 48000, channels: 1, bits: 24 }, new Float32Array([0.5, -0.5, 0.25]));
    const b = readFileSync(file);
    const data = findChunk(b, 'data')!;
    expect(data.size).toBe(9);
    expect(b.length).toBe(data.offset + 10);
    expect(b[b.length - 1]).toBe(0);
    expect(b.readUInt32LE(4)).toBe(b.length - 8);
    expect(Array.from(readAll(file))).toEqual([0.5, -0.5, 0.25]);
  });

  it('float files carry a fact chunk with the frame count and the IEEE_FLOAT sub-format', () => {
    const file = writeFile('float.wav', { sampleRate: 96000, channels: 2, bits: 32, float: true }, new Float32Array(14));
    const b = readFileSync(file);
    const fact = findChunk(b, 'fact')!;
    expect(fact.size).toBe(4);
    expect(b.readUInt32LE(fact.offset)).toBe(7);
    const fmt = findChunk(b, 'fmt ')!;
    expect(b.subarray(fmt.offset + 24, fmt.offset + 40).toString('hex')).toBe('0300000000001000800000aa00389b71');
  });

  it('an empty file is valid and reads 0 frames', () => {
    const file = path('empty.wav');
    WavWriter.create(file, { sampleRate: 48000, channels: 6, bits: 24, channelMask: 0x3f }).close();
    expect(probeWav(file)).toMatchObject({ frames: 0, dataBytes: 0, channels: 6 });
  });

  it('is byte-deterministic', () => {
    const input = new Float32Array(4000).map((_, i) => Math.sin(i / 10));
    const opts: WavWriteOptions = { sampleRate: 48000, channels: 2, bits: 24, bext };
    const a = readFileSync(writeFile('det-a.wav', opts, input));
    const b = readFileSync(writeFile('det-b.wav', opts, input));
    expect(a.equals(b)).toBe(true);
  });
});

describe('bext', () => {
  it('round-trips every field', () => {
    const file = writeFile('bext.wav', { sampleRate: 48000, channels: 6, bits: 24, channelMask: channelMaskFor('5.1'), bext }, new Float32Array(60));
    expect(probeWav(file).bext).toEqual({ ...bext, version: 2, loudness: { ...bext.loudness } });
  });

  it('follows the EBU Tech 3285 v2 byte layout', () => {
    const file = writeFile('bext-layout.wav', { sampleRate: 48000, channels: 2, bits: 24, bext }, new Float32Array(2));
    const b = readFileSync(file);
    const { offset: o, size } = findChunk(b, 'bext')!;
    expect(size).toBe(602 + bext.codingHistory!.length + 1);
    expect(size % 2).toBe(0);
    expect(b.toString('latin1', o, o + bext.description.length)).toBe(bext.description);
    expect(b[o + bext.description.length]).toBe(0);
    expect(b.toString('latin1', o + 256, o + 256 + 15)).toBe('postaudio 0.1.0');
    expect(b.toString('latin1', o + 288, o + 288 + 11)).toBe('LH_PM_51_R1');
    expect(b.toString('latin1', o + 320, o + 338)).toBe('2027-03-0110:00:00');
    expect(b.readUInt32LE(o + 338)).toBe(172_800_000); // TimeReferenceLow
    expect(b.readUInt32LE(o + 342)).toBe(256); // TimeReferenceHigh (2^40 / 2^32)
    expect(b.readUInt16LE(o + 346)).toBe(2);
    expect(b.subarray(o + 348, o + 412).every((x) => x === 0)).toBe(true); // UMID
    expect([0, 2, 4, 6, 8].map((k) => b.readInt16LE(o + 412 + k))).toEqual([-2704, 1150, -201, -1430, -1896]);
    expect(b.subarray(o + 422, o + 602).every((x) => x === 0)).toBe(true); // reserved
    expect(b.toString('latin1', o + 602, o + size - 1)).toBe(bext.codingHistory);
    // bext precedes data
    expect(o).toBeLessThan(findChunk(b, 'data')!.offset);
  });

  it('defaults version 1 without loudness, keeps an explicit version, and reads no loudness below version 2', () => {
    const { loudness: _l, ...noLoudness } = bext;
    const v1 = probeWav(writeFile('bext-v1.wav', { sampleRate: 48000, channels: 1, bits: 16, bext: { ...noLoudness, codingHistory: '' } }, new Float32Array(1))).bext!;
    expect(v1.version).toBe(1);
    expect(v1.loudness).toBeUndefined();
    expect(v1.codingHistory).toBe('');
    const v0 = probeWav(writeFile('bext-v0.wav', { sampleRate: 48000, channels: 1, bits: 16, bext: { ...noLoudness, version: 0 } }, new Float32Array(1))).bext!;
    expect(v0.version).toBe(0);
  });

  it.each([
    ['an over-long description', { description: 'x'.repeat(257) }, /description is 257 characters/],
    ['a non-ASCII originator', { originator: 'Ré' }, /non-ASCII/],
    ['a negative time reference', { timeReference: -1n }, /timeReference/],
    ['loudness out of int16 range', { loudness: { ...bext.loudness!, integrated: -400 } }, /int16/],
  ])('rejects %s', (_name, patch, message) => {
    expect(() => WavWriter.create(path('bad-bext.wav'), { sampleRate: 48000, channels: 1, bits: 16, bext: { ...bext, ...patch } })).toThrow(message);
  });
});

describe('RF64', () => {
  const input = new Float32Array(3 * 101).map((_, i) => ((i * 37) % 200) / 100 - 1);

  it.each([
    ['24-bit int with bext', { sampleRate: 48000, channels: 3, bits: 24, bext } as const],
    ['32-bit float', { sampleRate: 48000, channels: 3, bits: 32, float: true } as const],
  ])('forced with a tiny rf64Threshold (%s): RF64 magic, ds64 in place of JUNK, reads back', (_name, base) => {
    const small = readFileSync(writeFile('riff.wav', { ...base, rf64Threshold: 1_000_000 }, input));
    const file = writeFile('rf64.wav', { ...base, rf64Threshold: 1000 }, input);
    const b = readFileSync(file);
    expect(b.length).toBe(small.length); // ds64 takes exactly the JUNK space
    expect(small.toString('latin1', 0, 4)).toBe('RIFF');
    expect(b.toString('latin1', 0, 4)).toBe('RF64');
    expect(b.readUInt32LE(4)).toBe(0xffffffff);
    expect(b.toString('latin1', 12, 16)).toBe('ds64');
    expect(b.readUInt32LE(16)).toBe(28);
    const dataBytes = 101 * 3 * (base.bits / 8);
    expect(b.readBigUInt64LE(20)).toBe(BigInt(b.length - 8)); // RIFF size
    expect(b.readBigUInt64LE(28)).toBe(BigInt(dataBytes));
    expect(b.readBigUInt64LE(36)).toBe(101n); // sample count
    expect(b.readUInt32LE(44)).toBe(0); // table length
    expect(findChunk(b, 'data')!.size).toBe(0xffffffff);
    // past the ds64 chunk, only the 32-bit size fields differ from the RIFF version (now 0xFFFFFFFF)
    const expected = Buffer.from(small);
    expected.writeUInt32LE(0xffffffff, findChunk(small, 'data')!.offset - 4);
    const fact = findChunk(small, 'fact');
    if (fact) expected.writeUInt32LE(0xffffffff, fact.offset);
    expect(b.subarray(48).equals(expected.subarray(48))).toBe(true);

    const info = probeWav(file);
    expect(info).toMatchObject({ rf64: true, frames: 101, dataBytes, channels: 3 });
    expect(readAll(file)).toEqual(readAll(path('riff.wav')));
  });

  it('RF64 with an odd data size keeps the pad byte', () => {
    const file = writeFile('rf64-odd.wav', { sampleRate: 48000, channels: 1, bits: 24, rf64Threshold: 0 }, new Float32Array([0.5]));
    const b = readFileSync(file);
    expect(b.readBigUInt64LE(28)).toBe(3n);
    expect(b.length % 2).toBe(0);
    expect(Array.from(readAll(file))).toEqual([0.5]);
  });
});

describe('writer validation', () => {
  const base: WavWriteOptions = { sampleRate: 48000, channels: 2, bits: 16 };
  it.each<[string, Partial<WavWriteOptions>, typeof WavError | typeof RangeError]>([
    ['float with 24 bits', { bits: 24, float: true }, WavError],
    ['9 channels', { channels: 9 }, WavError],
    ['8 bits', { bits: 8 as 16 }, WavError],
    ['0 channels', { channels: 0 }, RangeError],
    ['a fractional sample rate', { sampleRate: 44100.5 }, RangeError],
    ['a 5.1 mask on 2 channels', { channelMask: 0x3f }, RangeError],
  ])('rejects %s', (_name, patch, type) => {
    expect(() => WavWriter.create(path('bad.wav'), { ...base, ...patch })).toThrow(type);
  });

  it('rejects NaN samples, short input and writes after close', () => {
    const w = WavWriter.create(path('nan.wav'), base);
    expect(() => w.write(new Float32Array([0, 0, 0, NaN]), 2)).toThrow(/NaN sample at frame 1, channel 1/);
    expect(() => w.write(new Float32Array(3), 2)).toThrow(RangeError);
    w.close();
    w.close();
    expect(() => w.write(new Float32Array(2), 1)).toThrow(/closed/);
  });
});

describe('large write through the buffer', () => {
  it('a 2-second 8-channel 32-bit float file reads back bit-exact', () => {
    const input = whiteNoise(96000 * 8, 3, 2);
    const file = writeFile('big.wav', { sampleRate: 48000, channels: 8, bits: 32, float: true, channelMask: 0x63f }, input);
    expect(statSync(file).size).toBe(probeWav(file).dataOffset + input.length * 4);
    const out = readAll(file);
    expect(Buffer.from(out.buffer).equals(Buffer.from(input.buffer))).toBe(true);
  });
});

const hasSox = spawnSync('which', ['sox']).status === 0;

describe('interoperability', () => {
  it.skipIf(!hasSox)('sox --i agrees with a written 24-bit file', () => {
    const file = writeFile('sox.wav', { sampleRate: 48000, channels: 6, bits: 24, channelMask: 0x3f, bext }, new Float32Array(6 * 4800));
    const out = spawnSync('sox', ['--i', file], { encoding: 'utf8' });
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/Channels\s*:\s*6/);
    expect(out.stdout).toMatch(/Sample Rate\s*:\s*48000/);
    expect(out.stdout).toMatch(/Precision\s*:\s*24-bit/);
    expect(out.stdout).toMatch(/4800 samples/);
    expect(out.stdout).toMatch(/24-bit Signed Integer PCM/);
  });

  it.skipIf(!hasSox)('sox decodes our samples to the same integer codes, RF64 included', () => {
    const input = new Float32Array(2 * 300).map((_, i) => Math.sin(i / 7) * 0.9);
    for (const rf64Threshold of [undefined, 0]) {
      const file = writeFile(`sox-codes-${rf64Threshold ?? 'riff'}.wav`, { sampleRate: 48000, channels: 2, bits: 24, rf64Threshold }, input);
      const raw = spawnSync('sox', ['-V1', file, '-t', 'raw', '-e', 'signed-integer', '-b', '32', '-L', '-'], { maxBuffer: 1 << 24 });
      expect(raw.status).toBe(0);
      const codes = new Int32Array(Uint8Array.from(raw.stdout).buffer);
      expect(Array.from(codes)).toEqual(Array.from(input, (x) => Math.round(x * 2 ** 23) * 256));
    }
  });

  it.skipIf(!hasSox)('we read a 24-bit 5.1 file written by sox as sox decodes it', () => {
    const file = path('by-sox.wav');
    const made = spawnSync('sox', ['-V1', '-n', '-r', '48000', '-c', '6', '-b', '24', file, 'synth', '0.05', 'sine', '997', 'gain', '-1']);
    expect(made.status).toBe(0);
    const info = probeWav(file);
    expect(info).toMatchObject({ channels: 6, bitsPerSample: 24, sampleFormat: 'int', sampleRate: 48000, frames: 2400 });
    const raw = spawnSync('sox', ['-V1', file, '-t', 'raw', '-e', 'signed-integer', '-b', '32', '-L', '-'], { maxBuffer: 1 << 24 });
    const codes = new Int32Array(Uint8Array.from(raw.stdout).buffer);
    expect(Array.from(readAll(file))).toEqual(Array.from(codes, (c) => c / 2 ** 31));
  });
});
