/**
 * Audio objects: the cache's intermediate format. A fixed 64-byte header then
 * float32 little-endian interleaved frames. An object covers the timeline span
 * [offset, offset + frames); outside it the object is silent.
 *
 *   0  'PAOBJ001'  magic and format version
 *   8  u32 header size (64)     12 u32 channels     16 u32 sample rate
 *  20  u32 reserved             24 i64 offset       32 u64 frames
 *  40  24 bytes reserved (zero)
 */
import fs from 'node:fs';

export const OBJECT_MAGIC = 'PAOBJ001';
export const OBJECT_HEADER = 64;

export interface ObjectHeader {
  channels: number;
  sampleRate: number;
  offset: number;
  frames: number;
}

export class ObjectFormatError extends Error {}

export function readObjectHeader(fd: number, path: string): ObjectHeader {
  const h = Buffer.alloc(OBJECT_HEADER);
  const n = fs.readSync(fd, h, 0, OBJECT_HEADER, 0);
  if (n < OBJECT_HEADER || h.toString('latin1', 0, 8) !== OBJECT_MAGIC) throw new ObjectFormatError(`${path}: not an audio object`);
  const header: ObjectHeader = {
    channels: h.readUInt32LE(12),
    sampleRate: h.readUInt32LE(16),
    offset: Number(h.readBigInt64LE(24)),
    frames: Number(h.readBigUInt64LE(32)),
  };
  const size = fs.fstatSync(fd).size;
  if (header.channels < 1 || size !== OBJECT_HEADER + header.frames * header.channels * 4) {
    throw new ObjectFormatError(`${path}: truncated or corrupt audio object`);
  }
  return header;
}

/** Random-access reader; reads fill a caller's buffer, zero outside the object's span. */
export class ObjectReader {
  readonly header: ObjectHeader;
  private fd: number;
  private bytes: Buffer = Buffer.alloc(0);

  private constructor(fd: number, header: ObjectHeader) {
    this.fd = fd;
    this.header = header;
  }

  static open(path: string): ObjectReader {
    const fd = fs.openSync(path, 'r');
    try {
      return new ObjectReader(fd, readObjectHeader(fd, path));
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  /**
   * Reads `frames` frames starting at object-relative frame `start` into `out` (interleaved).
   * Returns frames read (fewer at the end).
   */
  read(start: number, frames: number, out: Float32Array): number {
    const ch = this.header.channels;
    const n = Math.max(0, Math.min(frames, this.header.frames - start));
    if (n === 0) return 0;
    const len = n * ch * 4;
    if (this.bytes.length < len) this.bytes = Buffer.alloc(Math.max(len, this.bytes.length * 2));
    let got = 0;
    while (got < len) {
      const r = fs.readSync(this.fd, this.bytes, got, len - got, OBJECT_HEADER + start * ch * 4 + got);
      if (r === 0) throw new ObjectFormatError('audio object ended early');
      got += r;
    }
    const view = new Float32Array(this.bytes.buffer, this.bytes.byteOffset, n * ch);
    out.set(view.subarray(0, n * ch));
    return n;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** Sequential writer; the header is written at close once the frame count is known. */
export class ObjectWriter {
  private fd: number;
  private frames = 0;
  private buf: Buffer;
  private used = 0;
  /** File position of the next payload write (positional writes throughout). */
  private pos = OBJECT_HEADER;

  constructor(path: string, private readonly channels: number, private readonly sampleRate: number, private readonly offset: number) {
    this.fd = fs.openSync(path, 'w');
    this.buf = Buffer.alloc(1 << 20);
    fs.writeSync(this.fd, Buffer.alloc(OBJECT_HEADER), 0, OBJECT_HEADER, 0);
  }

  write(interleaved: Float32Array, frames: number): void {
    const bytes = frames * this.channels * 4;
    const src = Buffer.from(interleaved.buffer, interleaved.byteOffset, bytes);
    let done = 0;
    while (done < bytes) {
      const take = Math.min(bytes - done, this.buf.length - this.used);
      src.copy(this.buf, this.used, done, done + take);
      this.used += take;
      done += take;
      if (this.used === this.buf.length) this.flush();
    }
    this.frames += frames;
  }

  private flush(): void {
    let off = 0;
    while (off < this.used) off += fs.writeSync(this.fd, this.buf, off, this.used - off, this.pos + off);
    this.pos += this.used;
    this.used = 0;
  }

  close(): ObjectHeader {
    this.flush();
    const h = Buffer.alloc(OBJECT_HEADER);
    h.write(OBJECT_MAGIC, 0, 'latin1');
    h.writeUInt32LE(OBJECT_HEADER, 8);
    h.writeUInt32LE(this.channels, 12);
    h.writeUInt32LE(this.sampleRate, 16);
    h.writeBigInt64LE(BigInt(this.offset), 24);
    h.writeBigUInt64LE(BigInt(this.frames), 32);
    fs.writeSync(this.fd, h, 0, OBJECT_HEADER, 0);
    fs.closeSync(this.fd);
    return { channels: this.channels, sampleRate: this.sampleRate, offset: this.offset, frames: this.frames };
  }

  /** Closes and deletes a partial object (render failed). */
  abort(path: string): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
    fs.rmSync(path, { force: true });
  }
}
