// Streaming WAV / BWF / RF64 reader with a synchronous API (renderers run in worker threads).
//
// probeWav() walks the chunk list reading only chunk headers and the small chunks it needs
// (fmt, bext, ds64); WavReader.read() decodes any frame range to interleaved float32 through one
// reusable byte buffer. Integer samples are scaled by 2^-(bits-1), so the most negative code
// maps to exactly -1.0.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { decodeBext } from './bext.ts';
import {
  KSDATAFORMAT_GUID_TAIL,
  MAX_CHANNELS,
  U32_MAX,
  UNSUPPORTED_FORMAT_NAMES,
  WAVE_FORMAT_EXTENSIBLE,
  WAVE_FORMAT_IEEE_FLOAT,
  WAVE_FORMAT_PCM,
  WavError,
  type Bext,
  type SampleFormat,
  type WavInfo,
} from './wav-format.ts';

export interface WavOpenOptions {
  /**
   * Accept a file whose data chunk claims more bytes than the file holds, and read the whole
   * frames that are present (default false: such a file throws PA303).
   */
  allowTruncated?: boolean;
}

/** Bytes the reader decodes per read syscall (rounded down to whole frames). */
const READ_BUFFER_BYTES = 256 * 1024;
/** Chunks we read into memory are small; anything claiming more than this is skipped or bogus. */
const MAX_FMT_BYTES = 64 * 1024;
const MAX_BEXT_BYTES = 16 * 1024 * 1024;

interface Fmt {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  sampleFormat: SampleFormat;
  channelMask: number | null;
  blockAlign: number;
}

interface Ds64 {
  dataSize: number;
  table: Map<string, number>;
}

/** Read up to `length` bytes at `position`, looping over short reads; returns the bytes read. */
function readAt(fd: number, buf: Buffer, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

function openForRead(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new WavError('PA301', `${path}: cannot open (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new WavError('PA301', `${path}: not a regular file`);
  }
  return fd;
}

function printable(bytes: Buffer): string {
  return JSON.stringify(bytes.toString('latin1').replace(/[^\x20-\x7e]/g, '.'));
}

function parseFmt(b: Buffer, path: string): Fmt {
  if (b.length < 16) throw new WavError('PA302', `${path}: fmt chunk is ${b.length} bytes; at least 16 are needed`);
  const tag = b.readUInt16LE(0);
  const channels = b.readUInt16LE(2);
  const sampleRate = b.readUInt32LE(4);
  const blockAlign = b.readUInt16LE(12);
  const bitsPerSample = b.readUInt16LE(14);
  let codec = tag;
  let channelMask: number | null = null;
  let validBits = bitsPerSample;

  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (b.length < 40 || b.readUInt16LE(16) < 22) {
      throw new WavError('PA302', `${path}: WAVE_FORMAT_EXTENSIBLE fmt chunk is too short (${b.length} bytes, 40 needed)`);
    }
    validBits = b.readUInt16LE(18) || bitsPerSample;
    channelMask = b.readUInt32LE(20);
    const tailMatches = KSDATAFORMAT_GUID_TAIL.every((v, i) => b[28 + i] === v) && b.readUInt16LE(26) === 0;
    if (!tailMatches) {
      throw new WavError('PA304', `${path}: unsupported WAVE_FORMAT_EXTENSIBLE sub-format GUID ${b.subarray(24, 40).toString('hex')}`);
    }
    codec = b.readUInt16LE(24);
  }

  let sampleFormat: SampleFormat;
  if (codec === WAVE_FORMAT_PCM) sampleFormat = 'int';
  else if (codec === WAVE_FORMAT_IEEE_FLOAT) sampleFormat = 'float';
  else {
    const name = UNSUPPORTED_FORMAT_NAMES[codec] ?? `format tag 0x${codec.toString(16).padStart(4, '0')}`;
    throw new WavError('PA304', `${path}: ${name} audio is not supported (only PCM and IEEE float)`);
  }

  if (channels === 0) throw new WavError('PA302', `${path}: fmt chunk declares 0 channels`);
  if (sampleRate === 0) throw new WavError('PA302', `${path}: fmt chunk declares a sample rate of 0`);
  if (bitsPerSample === 0) throw new WavError('PA302', `${path}: fmt chunk declares 0 bits per sample`);
  if (channels > MAX_CHANNELS) {
    throw new WavError('PA304', `${path}: ${channels} channels; at most ${MAX_CHANNELS} are supported`);
  }
  const supported = sampleFormat === 'int' ? [16, 24, 32] : [32, 64];
  if (!supported.includes(bitsPerSample)) {
    throw new WavError('PA304', `${path}: ${bitsPerSample}-bit ${sampleFormat === 'int' ? 'integer PCM' : 'float'} is not supported (${supported.join(', ')} are)`);
  }
  if (validBits > bitsPerSample) {
    throw new WavError('PA302', `${path}: ${validBits} valid bits in a ${bitsPerSample}-bit container`);
  }
  if (blockAlign !== channels * (bitsPerSample / 8)) {
    throw new WavError('PA302', `${path}: block align ${blockAlign} does not match ${channels} channels × ${bitsPerSample / 8} bytes`);
  }
  return { sampleRate, channels, bitsPerSample, sampleFormat, channelMask, blockAlign };
}

function u64(b: Buffer, offset: number, what: string, path: string): number {
  const v = b.readBigUInt64LE(offset);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new WavError('PA302', `${path}: ds64 ${what} ${v} is absurd`);
  return Number(v);
}

function parseDs64(b: Buffer, path: string): Ds64 {
  if (b.length < 28) throw new WavError('PA302', `${path}: ds64 chunk is ${b.length} bytes; at least 28 are needed`);
  const dataSize = u64(b, 8, 'data size', path);
  const table = new Map<string, number>();
  const entries = b.readUInt32LE(24);
  for (let i = 0, at = 28; i < entries && at + 12 <= b.length; i++, at += 12) {
    table.set(b.toString('latin1', at, at + 4), u64(b, at + 4, 'chunk size', path));
  }
  return { dataSize, table };
}

function readBody(fd: number, position: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  readAt(fd, b, size, position);
  return b;
}

function parseHeader(fd: number, path: string, opts: WavOpenOptions): WavInfo {
  const fileSize = fstatSync(fd).size;
  const head = Buffer.alloc(12);
  if (readAt(fd, head, 12, 0) < 12) throw new WavError('PA301', `${path}: ${fileSize} bytes is too short to be a WAV file`);
  const magic = head.toString('latin1', 0, 4);
  const rf64 = magic === 'RF64' || magic === 'BW64';
  if ((magic !== 'RIFF' && !rf64) || head.toString('latin1', 8, 12) !== 'WAVE') {
    throw new WavError('PA301', `${path}: not a WAV file (starts with ${printable(head)})`);
  }

  let fmt: Fmt | null = null;
  let bext: Bext | null = null;
  let ds64: Ds64 | null = null;
  let data: { offset: number; size: number } | null = null;
  const chunkHeader = Buffer.alloc(8);

  // The RIFF size field is ignored: too many writers get it wrong. Walk chunks to the end of the
  // file; after the data chunk, anything that does not fit is treated as trailing junk.
  for (let pos = 12; pos + 8 <= fileSize; ) {
    readAt(fd, chunkHeader, 8, pos);
    const id = chunkHeader.toString('latin1', 0, 4);
    let size = chunkHeader.readUInt32LE(4);
    const body = pos + 8;
    if (rf64 && pos === 12 && id !== 'ds64') {
      throw new WavError('PA302', `${path}: RF64 file whose first chunk is ${printable(chunkHeader.subarray(0, 4))}, not ds64`);
    }
    if (ds64 && size === U32_MAX) size = id === 'data' ? ds64.dataSize : (ds64.table.get(id) ?? size);

    if (id === 'data' && !data) {
      data = { offset: body, size };
      if (body + size > fileSize) break; // truncated; handled below
    } else if (body + size > fileSize) {
      if (data) break;
      throw new WavError('PA303', `${path}: file ends inside the '${id}' chunk at byte ${pos}, before any audio data`, 0);
    } else if (id === 'fmt ' && !fmt) {
      if (size > MAX_FMT_BYTES) throw new WavError('PA302', `${path}: fmt chunk claims ${size} bytes`);
      fmt = parseFmt(readBody(fd, body, size), path);
    } else if (id === 'bext' && !bext && size <= MAX_BEXT_BYTES) {
      bext = decodeBext(readBody(fd, body, size));
    } else if (id === 'ds64' && rf64 && pos === 12) {
      ds64 = parseDs64(readBody(fd, body, Math.min(size, MAX_FMT_BYTES)), path);
    }
    pos = body + size + (size % 2); // chunks are word-aligned: odd sizes are followed by a pad byte
  }

  if (!fmt) throw new WavError('PA302', `${path}: no fmt chunk`);
  if (!data) throw new WavError('PA302', `${path}: no data chunk`);
  const present = Math.min(data.size, fileSize - data.offset);
  const frames = Math.floor(present / fmt.blockAlign);
  if (present < data.size && !opts.allowTruncated) {
    const claimed = Math.floor(data.size / fmt.blockAlign);
    throw new WavError(
      'PA303',
      `${path}: truncated: the data chunk claims ${data.size} bytes (${claimed} frames) but only ${present} bytes (${frames} frames) are present`,
      frames,
    );
  }
  return { ...fmt, frames, dataOffset: data.offset, dataBytes: present, rf64, bext };
}

/** Read a WAV file's header (fmt, bext, ds64, data position). Throws WavError. */
export function probeWav(path: string, opts: WavOpenOptions = {}): WavInfo {
  const fd = openForRead(path);
  try {
    return parseHeader(fd, path, opts);
  } finally {
    closeSync(fd);
  }
}

/** Decodes `samples` samples from `bytes` into `out` starting at `outOffset`. */
type Decoder = (bytes: Buffer, view: DataView, samples: number, out: Float32Array, outOffset: number) => void;

const decodeInt16: Decoder = (_b, view, samples, out, o) => {
  const k = 1 / 32768;
  for (let i = 0; i < samples; i++) out[o + i] = view.getInt16(2 * i, true) * k;
};
const decodeInt24: Decoder = (b, _view, samples, out, o) => {
  const k = 1 / 8388608;
  for (let i = 0, j = 0; i < samples; i++, j += 3) {
    // assemble the 24-bit little-endian word in the top of an int32, then arithmetic-shift down
    out[o + i] = (((b[j]! << 8) | (b[j + 1]! << 16) | (b[j + 2]! << 24)) >> 8) * k;
  }
};
const decodeInt32: Decoder = (_b, view, samples, out, o) => {
  const k = 1 / 2147483648;
  for (let i = 0; i < samples; i++) out[o + i] = view.getInt32(4 * i, true) * k;
};
const decodeFloat32: Decoder = (_b, view, samples, out, o) => {
  for (let i = 0; i < samples; i++) out[o + i] = view.getFloat32(4 * i, true);
};
const decodeFloat64: Decoder = (_b, view, samples, out, o) => {
  for (let i = 0; i < samples; i++) out[o + i] = view.getFloat64(8 * i, true);
};

function decoderFor(info: WavInfo): Decoder {
  if (info.sampleFormat === 'float') return info.bitsPerSample === 64 ? decodeFloat64 : decodeFloat32;
  if (info.bitsPerSample === 16) return decodeInt16;
  return info.bitsPerSample === 24 ? decodeInt24 : decodeInt32;
}

function assertCount(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer: got ${v}`);
}

export class WavReader {
  readonly info: WavInfo;
  readonly path: string;
  private fd: number | null;
  private readonly bytes: Buffer;
  private readonly view: DataView;
  private readonly bufferFrames: number;
  private readonly decode: Decoder;

  private constructor(fd: number, path: string, info: WavInfo) {
    this.fd = fd;
    this.path = path;
    this.info = info;
    this.bufferFrames = Math.max(1, Math.floor(READ_BUFFER_BYTES / info.blockAlign));
    this.bytes = Buffer.alloc(this.bufferFrames * info.blockAlign);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    this.decode = decoderFor(info);
  }

  /** Open a WAV file for reading; throws WavError (PA301–PA304) on a bad file. */
  static open(path: string, opts: WavOpenOptions = {}): WavReader {
    const fd = openForRead(path);
    try {
      return new WavReader(fd, path, parseHeader(fd, path, opts));
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /**
   * Decode `frames` frames starting at `startFrame` into `out` (interleaved float32, from index 0).
   * Returns the frames actually read: fewer when the range runs past the end of the data.
   */
  read(startFrame: number, frames: number, out: Float32Array): number {
    if (this.fd === null) throw new Error(`${this.path}: WavReader is closed`);
    assertCount('startFrame', startFrame);
    assertCount('frames', frames);
    const { channels, blockAlign } = this.info;
    if (out.length < frames * channels) {
      throw new RangeError(`output holds ${out.length} samples; ${frames} frames × ${channels} channels needed`);
    }
    const wanted = Math.min(frames, Math.max(0, this.info.frames - startFrame));
    let done = 0;
    while (done < wanted) {
      const n = Math.min(wanted - done, this.bufferFrames);
      const position = this.info.dataOffset + (startFrame + done) * blockAlign;
      const got = readAt(this.fd, this.bytes, n * blockAlign, position);
      const whole = Math.floor(got / blockAlign);
      this.decode(this.bytes, this.view, whole * channels, out, done * channels);
      done += whole;
      if (whole < n) break; // the file shrank under us
    }
    return done;
  }

  close(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
  }
}
