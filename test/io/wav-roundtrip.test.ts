import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WavReader, WavWriter, channelMaskFor, probeWav, type WavWriteOptions } from '../../src/io/index.ts';
import { findChunk, prng, tempDir } from './helpers.ts';
import { whiteNoise } from '../helpers/signals.ts';

const path = tempDir();

interface Encoding {
  name: string;
  bits: 16 | 24 | 32;
  float: boolean;
}
const ENCODINGS: Encoding[] = [
  { name: '16-bit int', bits: 16, float: false },
  { name: '24-bit int', bits: 24, float: false },
  { name: '32-bit int', bits: 32, float: false },
  { name: '32-bit float', bits: 32, float: true },
];
const CHANNELS = [1, 2, 6, 8];

/** Input values and the value each must read back as, for `bits`-bit integers. */
function intCases(bits: 16 | 24 | 32): Array<[input: number, expected: number]> {
  const full = 2 ** (bits - 1);
  const lsb = 1 / full;
  return [
    [0, 0],
    [-1, -1], // most negative code
    [1, 1 - lsb], // +1.0 clips to the largest code
    [1 - lsb, 1 - lsb], // full scale positive
    [1.5, 1 - lsb], // clip
    [-1.5, -1], // clip
    [Infinity, 1 - lsb],
    [-Infinity, -1],
    [lsb, lsb],
    [-lsb, -lsb],
    [0.5, 0.5],
    [-0.25, -0.25],
    [Math.fround(0.4 * lsb), 0], // rounds to nearest
    [Math.fround(0.6 * lsb), lsb],
    [Math.fround(-0.6 * lsb), -lsb],
  ];
}

function writeFile(file: string, opts: WavWriteOptions, samples: Float32Array): void {
  const w = WavWriter.create(file, opts);
  w.write(samples, samples.length / opts.channels);
  w.close();
}

function readAll(file: string): { samples: Float32Array; frames: number; channels: number } {
  const r = WavReader.open(file);
  try {
    const { frames, channels } = r.info;
    const samples = new Float32Array(frames * channels);
    expect(r.read(0, frames, samples)).toBe(frames);
    return { samples, frames, channels };
  } finally {
    r.close();
  }
}

describe('write → read round trip', () => {
  for (const enc of ENCODINGS) {
    for (const channels of CHANNELS) {
      it(`${enc.name}, ${channels} channel(s): known values come back exactly`, () => {
        const file = path(`rt-${enc.bits}${enc.float ? 'f' : ''}-${channels}.wav`);
        const random = prng(enc.bits * 100 + channels);
        const cases = enc.float
          ? [0, 1, -1, 0.5, -0.75, 1.5, -2, 1e-30, Math.fround(Math.PI / 4)].map((v) => [v, v] as [number, number])
          : intCases(enc.bits);
        // known values on every channel, then random in-range values
        const frames = cases.length + 500;
        const input = new Float32Array(frames * channels);
        const expected = new Float64Array(frames * channels);
        for (let f = 0; f < frames; f++) {
          for (let c = 0; c < channels; c++) {
            const i = f * channels + c;
            if (f < cases.length) {
              input[i] = cases[(f + c) % cases.length]![0];
              expected[i] = cases[(f + c) % cases.length]![1];
            } else {
              input[i] = random() * 2 - 1;
              expected[i] = NaN; // checked with the LSB tolerance below
            }
          }
        }
        const mask = channels === 6 ? channelMaskFor('5.1') : channels === 8 ? channelMaskFor('7.1') : undefined;
        writeFile(file, { sampleRate: 48000, channels, bits: enc.bits, float: enc.float, channelMask: mask }, input);

        const info = probeWav(file);
        expect(info).toMatchObject({
          sampleRate: 48000,
          channels,
          bitsPerSample: enc.bits,
          sampleFormat: enc.float ? 'float' : 'int',
          frames,
          blockAlign: (channels * enc.bits) / 8,
          dataBytes: (frames * channels * enc.bits) / 8,
          rf64: false,
          bext: null,
        });
        const { samples } = readAll(file);
        const lsb = enc.float ? 0 : 2 ** -(enc.bits - 1);
        for (let i = 0; i < samples.length; i++) {
          if (Number.isNaN(expected[i]!)) {
            // within half an LSB of the input (exact for float)
            expect(Math.abs(samples[i]! - input[i]!)).toBeLessThanOrEqual(Math.max(lsb / 2, Math.abs(input[i]!) * 2 ** -24));
          } else {
            expect(samples[i]).toBe(Math.fround(expected[i]!));
          }
        }
      });
    }
  }

  it('writes the integer codes the spec asks for (raw bytes)', () => {
    const cases: Array<[16 | 24 | 32, number[], string]> = [
      [16, [-1, 1, 0.5, -0.5 / 32768], '0080' + 'ff7f' + '0040' + '0000'],
      // -0.5 LSB rounds half up to 0 (Math.round), -0.6 LSB to -1
      [24, [-1, 1, Math.fround(-0.6 / 8388608)], '000080' + 'ffff7f' + 'ffffff'],
      [32, [-1, 1, 2 ** -31], '00000080' + 'ffffff7f' + '01000000'],
    ];
    for (const [bits, values, hex] of cases) {
      const file = path(`raw-${bits}.wav`);
      writeFile(file, { sampleRate: 44100, channels: 1, bits }, Float32Array.from(values));
      const bytes = readFileSync(file);
      const data = findChunk(bytes, 'data')!;
      expect(bytes.subarray(data.offset, data.offset + data.size).toString('hex')).toBe(hex);
    }
  });
});

describe('channel masks', () => {
  it('channelMaskFor gives the WAV speaker masks', () => {
    expect(channelMaskFor('mono')).toBe(0x4);
    expect(channelMaskFor('stereo')).toBe(0x3);
    expect(channelMaskFor('LCR')).toBe(0x7);
    expect(channelMaskFor('5.1')).toBe(0x3f);
    expect(channelMaskFor('7.1')).toBe(0x63f);
  });

  it.each([
    { channels: 6, bits: 24, mask: 0x3f },
    { channels: 6, bits: 24, mask: 0x60f }, // 5.1 side
    { channels: 8, bits: 16, mask: 0x63f },
    { channels: 2, bits: 16, mask: 0x3 }, // a mask alone forces EXTENSIBLE
    { channels: 1, bits: 24, mask: 0x4 },
    { channels: 3, bits: 16, mask: 0x7 },
  ] as const)('$channels ch $bits-bit mask $mask round-trips through WAVE_FORMAT_EXTENSIBLE', ({ channels, bits, mask }) => {
    const file = path(`mask-${channels}-${mask}.wav`);
    writeFile(file, { sampleRate: 48000, channels, bits, channelMask: mask }, new Float32Array(channels * 4));
    const bytes = readFileSync(file);
    const fmt = findChunk(bytes, 'fmt ')!;
    expect(fmt.size).toBe(40);
    expect(bytes.readUInt16LE(fmt.offset)).toBe(0xfffe);
    expect(bytes.readUInt32LE(fmt.offset + 20)).toBe(mask);
    expect(probeWav(file).channelMask).toBe(mask);
  });

  it('16-bit stereo without a mask is plain PCM (format tag 1, 16-byte fmt); the mask reads as null', () => {
    const file = path('plain.wav');
    writeFile(file, { sampleRate: 48000, channels: 2, bits: 16 }, new Float32Array(8));
    const bytes = readFileSync(file);
    const fmt = findChunk(bytes, 'fmt ')!;
    expect(fmt.size).toBe(16);
    expect(bytes.readUInt16LE(fmt.offset)).toBe(1);
    expect(probeWav(file).channelMask).toBeNull();
  });

  it('more than 2 channels or more than 16 bits without a mask are EXTENSIBLE with mask 0', () => {
    for (const [channels, bits] of [[3, 16], [1, 24]] as const) {
      const file = path(`nomask-${channels}-${bits}.wav`);
      writeFile(file, { sampleRate: 48000, channels, bits }, new Float32Array(channels));
      expect(readFileSync(file).readUInt16LE(findChunk(readFileSync(file), 'fmt ')!.offset)).toBe(0xfffe);
      expect(probeWav(file).channelMask).toBe(0);
    }
  });
});

/** Bit-exact comparison (fast on large arrays, unlike a deep toEqual). */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  const bytes = (x: Float32Array): Buffer => Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  return bytes(a).equals(bytes(b));
}

describe('block splits', () => {
  // 6 ch × 24-bit = 18 bytes a frame: 40 000 frames is several of the 256 KiB reader/writer buffers.
  const channels = 6;
  const frames = 40_000;
  const input = whiteNoise(frames * channels, 7);
  const whole = path('split-whole.wav');
  const opts: WavWriteOptions = { sampleRate: 48000, channels, bits: 24, channelMask: 0x3f };
  writeFile(whole, opts, input);

  it('reading in random block splits equals reading in one go', () => {
    const once = readAll(whole).samples;
    const r = WavReader.open(whole);
    const split = new Float32Array(frames * channels);
    const block = new Float32Array(20_000 * channels);
    const rnd = prng(11);
    for (let round = 0; round < 3; round++) {
      split.fill(NaN);
      let at = 0;
      while (at < frames) {
        const n = 1 + Math.floor(rnd() * (round === 0 ? 7 : 20_000));
        const got = r.read(at, n, block);
        expect(got).toBe(Math.min(n, frames - at));
        split.set(block.subarray(0, got * channels), at * channels);
        at += got;
      }
      expect(sameBits(split, once)).toBe(true);
    }
    r.close();
  });

  it('random-access reads match the one-go read at any offset', () => {
    const once = readAll(whole).samples;
    const r = WavReader.open(whole);
    const rnd = prng(12);
    const out = new Float32Array(3000 * channels);
    for (let k = 0; k < 50; k++) {
      const start = Math.floor(rnd() * frames);
      const n = Math.floor(rnd() * 3000);
      const got = r.read(start, n, out);
      expect(got).toBe(Math.min(n, frames - start));
      expect(sameBits(out.subarray(0, got * channels), once.subarray(start * channels, (start + got) * channels))).toBe(true);
    }
    r.close();
  });

  it('writing in random block splits gives the same bytes as one write', () => {
    const file = path('split-written.wav');
    const w = WavWriter.create(file, opts);
    const rnd = prng(13);
    for (let at = 0; at < frames; ) {
      const n = Math.min(frames - at, Math.floor(rnd() * 9000));
      w.write(input.subarray(at * channels, (at + n) * channels), n);
      at += n;
    }
    expect(w.frames).toBe(frames);
    w.close();
    expect(readFileSync(file).equals(readFileSync(whole))).toBe(true);
  });
});
