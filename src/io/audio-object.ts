/**
 * Audio objects: the cache's intermediate format. Sparse: only the live segments of
 * a span are stored, so a bus that plays for ten minutes of a two-hour reel stores ten
 * minutes. Layout (all little-endian):
 *
 *   0  'PAOBJ002'   magic and format version
 *   8  u32 header size (64)   12 u32 channels   16 u32 sample rate   20 u32 segment count
 *  24  i64 offset (timeline position of frame 0)  32 u64 frames (span length)
 *  40  u64 table offset       48  16 bytes reserved (zero)
 *  64  payloads: float32 interleaved frames of each segment, back to back
 *  table: per segment u64 start (span-relative), u64 frames, u64 byte offset of its payload
 *
 * The file size must equal table offset + 24 × segments: a truncated object is rejected.
 */
import fs from 'node:fs';

export const OBJECT_MAGIC = 'PAOBJ002';
export const OBJECT_HEADER = 64;
const ENTRY = 24;

export interface Segment {
  start: number;
  frames: number;
  byteOffset: number;
}

export interface ObjectHeader {
  channels: number;
  sampleRate: number;
  offset: number;
  frames: number;
  segments: Segment[];
}

export class ObjectFormatError extends Error {}

export function readObjectHeader(fd: number, path: string): ObjectHeader {
  const h = Buffer.alloc(OBJECT_HEADER);
  const n = fs.readSync(fd, h, 0, OBJECT_HEADER, 0);
  if (n < OBJECT_HEADER || h.toString('latin1', 0, 8) !== OBJECT_MAGIC) throw new ObjectFormatError(`${path}: not an audio object`);
  const channels = h.readUInt32LE(12);
  const count = h.readUInt32LE(20);
  const tableOffset = Number(h.readBigUInt64LE(40));
  const size = fs.fstatSync(fd).size;
  if (channels < 1 || size !== tableOffset + count * ENTRY) throw new ObjectFormatError(`${path}: truncated or corrupt audio object`);
  const table = Buffer.alloc(count * ENTRY);
  if (count > 0) fs.readSync(fd, table, 0, table.length, tableOffset);
  const segments: Segment[] = [];
  let expect = OBJECT_HEADER;
  for (let i = 0; i < count; i++) {
    const s = { start: Number(table.readBigUInt64LE(i * ENTRY)), frames: Number(table.readBigUInt64LE(i * ENTRY + 8)), byteOffset: Number(table.readBigUInt64LE(i * ENTRY + 16)) };
    if (s.byteOffset !== expect || (i > 0 && s.start < segments[i - 1].start + segments[i - 1].frames)) throw new ObjectFormatError(`${path}: corrupt segment table`);
    expect += s.frames * channels * 4;
    segments.push(s);
  }
  if (expect !== tableOffset) throw new ObjectFormatError(`${path}: truncated or corrupt audio object`);
  return {
    channels,
    sampleRate: h.readUInt32LE(16),
    offset: Number(h.readBigInt64LE(24)),
    frames: Number(h.readBigUInt64LE(32)),
    segments,
  };
}

/** Random-access reader over a sparse object: reads fill a caller's buffer, zero where nothing is stored. */
export class ObjectReader {
  readonly header: ObjectHeader;
  private bytes: Buffer = Buffer.alloc(0);
  private cursor = 0; // segment index hint for sequential reads

  private constructor(private fd: number, header: ObjectHeader) {
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

  /** Fills `frames` frames from span-relative `start` into `out` (interleaved), zeros outside segments. */
  read(start: number, frames: number, out: Float32Array): void {
    const ch = this.header.channels;
    out.fill(0, 0, frames * ch);
    const segs = this.header.segments;
    const end = start + frames;
    if (this.cursor >= segs.length || (this.cursor > 0 && segs[this.cursor].start > start)) this.cursor = 0;
    while (this.cursor < segs.length && segs[this.cursor].start + segs[this.cursor].frames <= start) this.cursor++;
    for (let i = this.cursor; i < segs.length && segs[i].start < end; i++) {
      const s = segs[i];
      const from = Math.max(start, s.start);
      const to = Math.min(end, s.start + s.frames);
      if (to <= from) continue;
      const len = (to - from) * ch * 4;
      if (this.bytes.length < len) this.bytes = Buffer.alloc(Math.max(len, this.bytes.length * 2));
      let got = 0;
      const pos = s.byteOffset + (from - s.start) * ch * 4;
      while (got < len) {
        const r = fs.readSync(this.fd, this.bytes, got, len - got, pos + got);
        if (r === 0) throw new ObjectFormatError('audio object ended early');
        got += r;
      }
      out.set(new Float32Array(this.bytes.buffer, this.bytes.byteOffset, (to - from) * ch), (from - start) * ch);
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** Sequential writer: segments in increasing order; the table and header are written at close. */
export class ObjectWriter {
  private fd: number;
  private buf = Buffer.alloc(1 << 20);
  private used = 0;
  private pos = OBJECT_HEADER;
  private segments: Segment[] = [];
  private open: Segment | undefined;

  constructor(
    readonly path: string,
    private readonly channels: number,
    private readonly sampleRate: number,
    private readonly offset: number,
    private readonly frames: number,
  ) {
    this.fd = fs.openSync(path, 'w');
  }

  /** Starts a segment at span-relative `start` (must not overlap the previous one). */
  begin(start: number): void {
    if (this.open) this.end();
    const last = this.segments[this.segments.length - 1];
    if (last && start < last.start + last.frames) throw new RangeError('segments must not overlap');
    this.open = { start, frames: 0, byteOffset: this.pos + this.used };
  }

  write(interleaved: Float32Array, frames: number): void {
    if (!this.open) throw new RangeError('write outside a segment');
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
    this.open.frames += frames;
  }

  end(): void {
    if (!this.open) return;
    if (this.open.frames > 0) this.segments.push(this.open);
    this.open = undefined;
  }

  private flush(): void {
    let off = 0;
    while (off < this.used) off += fs.writeSync(this.fd, this.buf, off, this.used - off, this.pos + off);
    this.pos += this.used;
    this.used = 0;
  }

  close(): ObjectHeader {
    this.end();
    this.flush();
    const table = Buffer.alloc(this.segments.length * ENTRY);
    this.segments.forEach((s, i) => {
      table.writeBigUInt64LE(BigInt(s.start), i * ENTRY);
      table.writeBigUInt64LE(BigInt(s.frames), i * ENTRY + 8);
      table.writeBigUInt64LE(BigInt(s.byteOffset), i * ENTRY + 16);
    });
    if (table.length) fs.writeSync(this.fd, table, 0, table.length, this.pos);
    const h = Buffer.alloc(OBJECT_HEADER);
    h.write(OBJECT_MAGIC, 0, 'latin1');
    h.writeUInt32LE(OBJECT_HEADER, 8);
    h.writeUInt32LE(this.channels, 12);
    h.writeUInt32LE(this.sampleRate, 16);
    h.writeUInt32LE(this.segments.length, 20);
    h.writeBigInt64LE(BigInt(this.offset), 24);
    h.writeBigUInt64LE(BigInt(this.frames), 32);
    h.writeBigUInt64LE(BigInt(this.pos), 40);
    fs.writeSync(this.fd, h, 0, OBJECT_HEADER, 0);
    fs.closeSync(this.fd);
    return { channels: this.channels, sampleRate: this.sampleRate, offset: this.offset, frames: this.frames, segments: this.segments };
  }

  /** Closes and deletes a partial object (render failed). */
  abort(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
    fs.rmSync(this.path, { force: true });
  }
}
