// Streaming WAV / BWF writer with a synchronous API; becomes RF64 at close when it must.
//
// Layout written (all sizes little-endian, every chunk even-sized):
//
//   RIFF <size> WAVE
//   JUNK 28     zeros: reserved so close() can turn it into `ds64` (EBU Tech 3306) in place
//   fmt  16|40  plain PCM (16-bit, ≤ 2 channels, no mask) or WAVE_FORMAT_EXTENSIBLE
//   fact 4      float only (non-PCM formats carry a sample count)
//   bext …      when options.bext is given (EBU Tech 3285 v2)
//   data <size> samples, then a pad byte if the size is odd
//
// Integer samples: round(x × 2^(b-1)) clipped to [-2^(b-1), 2^(b-1) - 1]; no dither (that is the
// deliverable renderer's job). Output depends only on the options and samples: no timestamps.
// The writer writes to the path it is given; write-to-temp-and-rename is the caller's job.

import { closeSync, openSync, writeSync } from 'node:fs';
import { encodeBext } from './bext.ts';
import {
  DS64_BODY_BYTES,
  KSDATAFORMAT_SUBTYPE_IEEE_FLOAT,
  KSDATAFORMAT_SUBTYPE_PCM,
  MAX_CHANNELS,
  U32_MAX,
  WAVE_FORMAT_EXTENSIBLE,
  WAVE_FORMAT_PCM,
  WavError,
  popcount32,
  type Bext,
} from './wav-format.ts';

export interface WavWriteOptions {
  sampleRate: number;
  channels: number;
  bits: 16 | 24 | 32;
  /** IEEE float samples; only with bits 32. */
  float?: boolean;
  /** dwChannelMask (see channelMaskFor). Forces WAVE_FORMAT_EXTENSIBLE; written as 0 when absent there. */
  channelMask?: number | null;
  bext?: Bext | null;
  /**
   * For tests only: become RF64 when the RIFF size or the data size exceeds this many bytes.
   * Default 0xFFFFFFFF (4 GiB - 1), the largest size a RIFF header can hold.
   */
  rf64Threshold?: number;
}

/** Bytes buffered before each write syscall (rounded down to whole frames). */
const WRITE_BUFFER_BYTES = 256 * 1024;

/** Encodes `samples` samples of `src` from `srcOffset` into `view` at byte `at`; returns the index of a NaN, or -1. */
type Encoder = (src: Float32Array, srcOffset: number, samples: number, view: DataView, at: number) => number;

const encodeInt16: Encoder = (src, s, n, view, at) => {
  for (let i = 0; i < n; i++) {
    const x = src[s + i]!;
    if (x !== x) return i;
    let v = Math.round(x * 32768);
    if (v > 32767) v = 32767;
    else if (v < -32768) v = -32768;
    view.setInt16(at + 2 * i, v, true);
  }
  return -1;
};

const encodeInt24: Encoder = (src, s, n, view, at) => {
  for (let i = 0, j = at; i < n; i++, j += 3) {
    const x = src[s + i]!;
    if (x !== x) return i;
    let v = Math.round(x * 8388608);
    if (v > 8388607) v = 8388607;
    else if (v < -8388608) v = -8388608;
    view.setUint8(j, v & 0xff);
    view.setUint8(j + 1, (v >> 8) & 0xff);
    view.setUint8(j + 2, (v >> 16) & 0xff);
  }
  return -1;
};

const encodeInt32: Encoder = (src, s, n, view, at) => {
  for (let i = 0; i < n; i++) {
    const x = src[s + i]!;
    if (x !== x) return i;
    let v = Math.round(x * 2147483648);
    if (v > 2147483647) v = 2147483647;
    else if (v < -2147483648) v = -2147483648;
    view.setInt32(at + 4 * i, v, true);
  }
  return -1;
};

const encodeFloat32: Encoder = (src, s, n, view, at) => {
  for (let i = 0; i < n; i++) {
    const x = src[s + i]!;
    if (x !== x) return i;
    view.setFloat32(at + 4 * i, x, true);
  }
  return -1;
};

interface Layout {
  header: Buffer;
  dataSizeOffset: number;
  factOffset: number | null;
}

function validate(opts: WavWriteOptions): void {
  const { sampleRate, channels, bits } = opts;
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > U32_MAX) {
    throw new RangeError(`sampleRate must be a positive integer: got ${sampleRate}`);
  }
  if (!Number.isInteger(channels) || channels <= 0) throw new RangeError(`channels must be a positive integer: got ${channels}`);
  if (channels > MAX_CHANNELS) throw new WavError('PA304', `cannot write ${channels} channels; at most ${MAX_CHANNELS} are supported`);
  if (bits !== 16 && bits !== 24 && bits !== 32) throw new WavError('PA304', `cannot write ${String(bits)}-bit samples (16, 24 or 32)`);
  if (opts.float && bits !== 32) throw new WavError('PA304', `float samples are written as 32-bit only, not ${bits}-bit`);
  const mask = opts.channelMask;
  if (mask != null) {
    if (!Number.isInteger(mask) || mask < 0 || mask > U32_MAX) throw new RangeError(`channelMask must be a uint32: got ${mask}`);
    if (popcount32(mask) > channels) {
      throw new RangeError(`channelMask 0x${mask.toString(16)} names ${popcount32(mask)} speakers for ${channels} channels`);
    }
  }
  const t = opts.rf64Threshold;
  if (t !== undefined && (!Number.isSafeInteger(t) || t < 0 || t > U32_MAX)) {
    throw new RangeError(`rf64Threshold must be an integer in [0, 0xFFFFFFFF]: got ${t}`);
  }
}

function buildHeader(opts: WavWriteOptions): Layout {
  const { sampleRate, channels, bits } = opts;
  const float = opts.float === true;
  const blockAlign = channels * (bits / 8);
  const extensible = channels > 2 || opts.channelMask != null || bits > 16 || float;
  const bext = opts.bext ? encodeBext(opts.bext) : null;

  const fmtBytes = extensible ? 40 : 16;
  const size = 12 + (8 + DS64_BODY_BYTES) + (8 + fmtBytes) + (float ? 12 : 0) + (bext ? 8 + bext.length : 0) + 8;
  const h = Buffer.alloc(size);
  let at = 0;
  const tag = (id: string, chunkSize: number): void => {
    h.write(id, at, 4, 'latin1');
    h.writeUInt32LE(chunkSize, at + 4);
    at += 8;
  };

  tag('RIFF', 0); // size patched at close
  h.write('WAVE', at, 4, 'latin1');
  at += 4;
  tag('JUNK', DS64_BODY_BYTES);
  at += DS64_BODY_BYTES;

  tag('fmt ', fmtBytes);
  h.writeUInt16LE(extensible ? WAVE_FORMAT_EXTENSIBLE : WAVE_FORMAT_PCM, at);
  h.writeUInt16LE(channels, at + 2);
  h.writeUInt32LE(sampleRate, at + 4);
  h.writeUInt32LE(sampleRate * blockAlign, at + 8); // byte rate
  h.writeUInt16LE(blockAlign, at + 12);
  h.writeUInt16LE(bits, at + 14);
  if (extensible) {
    h.writeUInt16LE(22, at + 16); // cbSize
    h.writeUInt16LE(bits, at + 18); // wValidBitsPerSample
    h.writeUInt32LE(opts.channelMask ?? 0, at + 20);
    h.set(float ? KSDATAFORMAT_SUBTYPE_IEEE_FLOAT : KSDATAFORMAT_SUBTYPE_PCM, at + 24);
  }
  at += fmtBytes;

  let factOffset: number | null = null;
  if (float) {
    tag('fact', 4);
    factOffset = at;
    at += 4;
  }
  if (bext) {
    tag('bext', bext.length);
    bext.copy(h, at);
    at += bext.length;
  }
  tag('data', 0);
  return { header: h, dataSizeOffset: at - 4, factOffset };
}

export class WavWriter {
  readonly path: string;
  readonly options: Readonly<WavWriteOptions>;
  private fd: number | null;
  private readonly layout: Layout;
  private readonly channels: number;
  private readonly bytesPerSample: number;
  private readonly encode: Encoder;
  private readonly buffer: Buffer;
  private readonly view: DataView;
  private fill = 0;
  private position: number;
  private framesWritten = 0;

  private constructor(path: string, opts: WavWriteOptions, fd: number, layout: Layout) {
    this.path = path;
    this.options = { ...opts };
    this.fd = fd;
    this.layout = layout;
    this.channels = opts.channels;
    this.bytesPerSample = opts.bits / 8;
    this.encode = opts.float ? encodeFloat32 : opts.bits === 16 ? encodeInt16 : opts.bits === 24 ? encodeInt24 : encodeInt32;
    const blockAlign = this.channels * this.bytesPerSample;
    this.buffer = Buffer.alloc(Math.floor(WRITE_BUFFER_BYTES / blockAlign) * blockAlign);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    this.position = layout.header.length;
  }

  /** Create (truncate) `path` and write a provisional header. */
  static create(path: string, opts: WavWriteOptions): WavWriter {
    validate(opts);
    const layout = buildHeader(opts);
    const fd = openSync(path, 'w');
    try {
      writeAll(fd, layout.header, 0);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    return new WavWriter(path, opts, fd, layout);
  }

  get frames(): number {
    return this.framesWritten;
  }

  /** Append `frames` interleaved frames from `interleaved` (index 0 on). Throws RangeError on a NaN sample. */
  write(interleaved: Float32Array, frames: number): void {
    if (this.fd === null) throw new Error(`${this.path}: WavWriter is closed`);
    if (!Number.isSafeInteger(frames) || frames < 0) throw new RangeError(`frames must be a non-negative integer: got ${frames}`);
    const total = frames * this.channels;
    if (interleaved.length < total) {
      throw new RangeError(`input holds ${interleaved.length} samples; ${frames} frames × ${this.channels} channels needed`);
    }
    for (let done = 0; done < total; ) {
      const n = Math.min((this.buffer.length - this.fill) / this.bytesPerSample, total - done);
      const nan = this.encode(interleaved, done, n, this.view, this.fill);
      if (nan >= 0) {
        const frame = this.framesWritten + Math.floor((done + nan) / this.channels);
        throw new RangeError(`${this.path}: NaN sample at frame ${frame}, channel ${(done + nan) % this.channels}`);
      }
      this.fill += n * this.bytesPerSample;
      done += n;
      if (this.fill === this.buffer.length) this.flush();
    }
    this.framesWritten += frames;
  }

  /** Flush, pad, patch the sizes (switching to RF64 if needed) and close. Safe to call twice. */
  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      this.flush(fd);
      const { header, dataSizeOffset, factOffset } = this.layout;
      const dataBytes = this.position - header.length;
      if (dataBytes % 2 === 1) writeAll(fd, Buffer.alloc(1), this.position++);
      const riffSize = this.position - 8;
      const limit = this.options.rf64Threshold ?? U32_MAX;
      const patch = Buffer.alloc(4);
      const put32 = (value: number, at: number): void => {
        patch.writeUInt32LE(value, 0);
        writeAll(fd, patch, at);
      };

      if (riffSize > limit || dataBytes > limit) {
        // RF64: sizes move to ds64, which takes the place of the JUNK chunk.
        const ds64 = Buffer.alloc(8 + DS64_BODY_BYTES);
        ds64.write('ds64', 0, 4, 'latin1');
        ds64.writeUInt32LE(DS64_BODY_BYTES, 4);
        ds64.writeBigUInt64LE(BigInt(riffSize), 8);
        ds64.writeBigUInt64LE(BigInt(dataBytes), 16);
        ds64.writeBigUInt64LE(BigInt(this.framesWritten), 24); // sample count (frames), as in `fact`
        // table length (offset 32) stays 0
        writeAll(fd, ds64, 12);
        writeAll(fd, Buffer.from('RF64', 'latin1'), 0);
        put32(U32_MAX, 4);
        put32(U32_MAX, dataSizeOffset);
        if (factOffset !== null) put32(U32_MAX, factOffset);
      } else {
        put32(riffSize, 4);
        put32(dataBytes, dataSizeOffset);
        if (factOffset !== null) put32(this.framesWritten, factOffset);
      }
    } finally {
      closeSync(fd);
    }
  }

  private flush(fd: number | null = this.fd): void {
    if (this.fill === 0 || fd === null) return;
    writeAll(fd, this.buffer, this.position, this.fill);
    this.position += this.fill;
    this.fill = 0;
  }
}

function writeAll(fd: number, buf: Buffer, position: number, length = buf.length): void {
  let done = 0;
  while (done < length) done += writeSync(fd, buf, done, length - done, position + done);
}
