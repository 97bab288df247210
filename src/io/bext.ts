// BWF `bext` chunk body, EBU Tech 3285 v2:
//
//   offset  size  field
//        0   256  Description            ASCII, NUL-padded
//      256    32  Originator
//      288    32  OriginatorReference
//      320    10  OriginationDate        yyyy-mm-dd
//      330     8  OriginationTime        hh:mm:ss
//      338     8  TimeReference          uint64 (low dword, high dword) = samples since midnight
//      346     2  Version                uint16
//      348    64  UMID                   (written as zeros)
//      412    10  Loudness fields        5 × int16 = round(100 × value): integrated, range,
//                                        max true peak, max momentary, max short-term
//      422   180  Reserved               zeros
//      602     …  CodingHistory          ASCII

import { BEXT_FIXED_BYTES, type Bext, type BextLoudness } from './wav-format.ts';

const TEXT_FIELDS = [
  ['description', 0, 256],
  ['originator', 256, 32],
  ['originatorReference', 288, 32],
  ['originationDate', 320, 10],
  ['originationTime', 330, 8],
] as const;

const OFF_TIME_REFERENCE = 338;
const OFF_VERSION = 346;
const OFF_LOUDNESS = 412;
const LOUDNESS_KEYS = ['integrated', 'range', 'maxTruePeak', 'maxMomentary', 'maxShortTerm'] as const;

function assertAscii(field: string, value: string, max: number): void {
  if (value.length > max) {
    throw new RangeError(`bext ${field} is ${value.length} characters; the field holds ${max}`);
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x7e || (c < 0x20 && c !== 0x0d && c !== 0x0a && c !== 0x09)) {
      throw new RangeError(`bext ${field} has a non-ASCII character at index ${i} (U+${c.toString(16).padStart(4, '0')})`);
    }
  }
}

/** Encode a `bext` chunk body. Its length is made even by NUL-terminating an odd CodingHistory. */
export function encodeBext(bext: Bext): Buffer {
  const history = bext.codingHistory ?? '';
  assertAscii('codingHistory', history, Number.MAX_SAFE_INTEGER);
  let size = BEXT_FIXED_BYTES + history.length;
  if (size % 2 === 1) size++; // trailing NUL keeps the chunk even-sized
  const buf = Buffer.alloc(size);

  for (const [key, offset, length] of TEXT_FIELDS) {
    const value = bext[key];
    assertAscii(key, value, length);
    buf.write(value, offset, length, 'latin1');
  }

  const t = bext.timeReference;
  if (typeof t !== 'bigint' || t < 0n || t > 0xffffffffffffffffn) {
    throw new RangeError(`bext timeReference must be a bigint in [0, 2^64): got ${String(t)}`);
  }
  buf.writeBigUInt64LE(t, OFF_TIME_REFERENCE);

  const version = bext.version ?? (bext.loudness ? 2 : 1);
  if (!Number.isInteger(version) || version < 0 || version > 0xffff) {
    throw new RangeError(`bext version must be a uint16: got ${version}`);
  }
  buf.writeUInt16LE(version, OFF_VERSION);

  if (bext.loudness) {
    LOUDNESS_KEYS.forEach((key, i) => {
      const value = bext.loudness![key];
      const stored = Math.round(100 * value);
      if (!Number.isFinite(value) || stored < -0x8000 || stored > 0x7fff) {
        throw new RangeError(`bext loudness.${key} = ${value} does not fit an int16 in 1/100 units`);
      }
      buf.writeInt16LE(stored, OFF_LOUDNESS + 2 * i);
    });
  }

  buf.write(history, BEXT_FIXED_BYTES, 'latin1');
  return buf;
}

function readText(buf: Buffer, offset: number, length: number): string {
  const end = Math.min(offset + length, buf.length);
  let stop = offset;
  while (stop < end && buf[stop] !== 0) stop++;
  return buf.toString('latin1', offset, stop);
}

/** Decode a `bext` chunk body; returns null when it is too short to hold the fixed fields. */
export function decodeBext(buf: Buffer): Bext | null {
  // Version 0 files end the fixed part at 602 as well (the UMID and the rest are reserved), but
  // a few writers emit shorter chunks; accept anything that reaches the Version field.
  if (buf.length < OFF_VERSION + 2) return null;
  const version = buf.readUInt16LE(OFF_VERSION);
  const bext: Bext = {
    description: readText(buf, 0, 256),
    originator: readText(buf, 256, 32),
    originatorReference: readText(buf, 288, 32),
    originationDate: readText(buf, 320, 10),
    originationTime: readText(buf, 330, 8),
    timeReference: buf.readBigUInt64LE(OFF_TIME_REFERENCE),
    version,
  };
  if (version >= 2 && buf.length >= OFF_LOUDNESS + 10) {
    const loudness = {} as BextLoudness;
    LOUDNESS_KEYS.forEach((key, i) => {
      loudness[key] = buf.readInt16LE(OFF_LOUDNESS + 2 * i) / 100;
    });
    bext.loudness = loudness;
  }
  // CodingHistory runs to the end of the chunk; stop at the first NUL (padding or terminator).
  bext.codingHistory = buf.length > BEXT_FIXED_BYTES ? readText(buf, BEXT_FIXED_BYTES, buf.length - BEXT_FIXED_BYTES) : '';
  return bext;
}
