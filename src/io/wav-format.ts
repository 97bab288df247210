// Shared types and constants for the WAV / BWF / RF64 reader and writer.
//
// References: Microsoft "Multiple channel audio data and WAVE files" (WAVE_FORMAT_EXTENSIBLE,
// dwChannelMask), EBU Tech 3285 (BWF `bext`), EBU Tech 3306 / ITU-R BS.2088 (RF64 / BW64, `ds64`).
// All integers in a WAV file are little-endian.

export type SampleFormat = 'int' | 'float';

/** EBU Tech 3285 v2 loudness fields, in LUFS / LU / dBTP (stored as int16 = round(100 × value)). */
export interface BextLoudness {
  integrated: number;
  range: number;
  maxTruePeak: number;
  maxMomentary: number;
  maxShortTerm: number;
}

/** Broadcast Wave `bext` chunk. All text fields are ASCII. */
export interface Bext {
  description: string; // ≤ 256 chars
  originator: string; // ≤ 32 chars
  originatorReference: string; // ≤ 32 chars
  originationDate: string; // yyyy-mm-dd (≤ 10 chars)
  originationTime: string; // hh:mm:ss (≤ 8 chars)
  /** Samples since midnight of the first sample of the file. */
  timeReference: bigint;
  /** Defaults on write: 2 when `loudness` is given, else 1. */
  version?: number;
  codingHistory?: string;
  /** Read only when the chunk's version is ≥ 2. */
  loudness?: BextLoudness;
}

export interface WavInfo {
  sampleRate: number;
  channels: number;
  /** Container bits per sample (16, 24, 32 or 64). */
  bitsPerSample: number;
  sampleFormat: SampleFormat;
  /** dwChannelMask of a WAVE_FORMAT_EXTENSIBLE file; null for plain PCM / IEEE float headers. */
  channelMask: number | null;
  /** Whole frames the reader will deliver. */
  frames: number;
  /** Byte offset of the first sample in the file. */
  dataOffset: number;
  /** Bytes of sample data available to the reader (frames × blockAlign, plus any partial trailing frame). */
  dataBytes: number;
  blockAlign: number;
  rf64: boolean;
  bext: Bext | null;
}

export type WavErrorCode = 'PA301' | 'PA302' | 'PA303' | 'PA304';

/**
 * PA301 not a WAV/RIFF file (or unreadable) · PA302 malformed header · PA303 truncated data
 * (`framesAvailable` says how many whole frames are present) · PA304 unsupported encoding.
 */
export class WavError extends Error {
  /** For PA303: the whole frames actually present in the file. */
  readonly framesAvailable: number | undefined;

  constructor(
    public readonly code: WavErrorCode,
    message: string,
    framesAvailable?: number,
  ) {
    super(message);
    this.name = 'WavError';
    this.framesAvailable = framesAvailable;
  }
}

// ---- format tags -------------------------------------------------------------------------------

export const WAVE_FORMAT_PCM = 0x0001;
export const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Names of common tags we refuse, for readable PA304 messages. */
export const UNSUPPORTED_FORMAT_NAMES: Readonly<Record<number, string>> = {
  0x0002: 'MS ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG',
  0x0055: 'MPEG layer 3',
  0x00ff: 'AAC',
  0x2000: 'AC-3',
};

/**
 * KSDATAFORMAT_SUBTYPE_* GUIDs are `{tag-0000-0010-8000-00AA00389B71}` where `tag` is the plain
 * format tag; on disk the GUID's first three fields are little-endian. This is the 12-byte tail
 * shared by all of them (bytes 4..15 of the on-disk GUID).
 */
export const KSDATAFORMAT_GUID_TAIL: readonly number[] = [
  0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
];

/** The 16 on-disk bytes of KSDATAFORMAT_SUBTYPE_<tag> (PCM = 1, IEEE_FLOAT = 3). */
export function subtypeGuid(tag: number): Uint8Array {
  const g = new Uint8Array(16);
  g[0] = tag & 0xff;
  g[1] = (tag >>> 8) & 0xff;
  g.set(KSDATAFORMAT_GUID_TAIL, 4);
  return g;
}

export const KSDATAFORMAT_SUBTYPE_PCM = subtypeGuid(WAVE_FORMAT_PCM);
export const KSDATAFORMAT_SUBTYPE_IEEE_FLOAT = subtypeGuid(WAVE_FORMAT_IEEE_FLOAT);

// ---- channel masks (dwChannelMask speaker bits) -----------------------------------------------

export const SPEAKER_FRONT_LEFT = 0x1;
export const SPEAKER_FRONT_RIGHT = 0x2;
export const SPEAKER_FRONT_CENTER = 0x4;
export const SPEAKER_LOW_FREQUENCY = 0x8;
export const SPEAKER_BACK_LEFT = 0x10;
export const SPEAKER_BACK_RIGHT = 0x20;
export const SPEAKER_SIDE_LEFT = 0x200;
export const SPEAKER_SIDE_RIGHT = 0x400;

export type ChannelLayoutName = 'mono' | 'stereo' | 'LCR' | '5.1' | '7.1';

const LAYOUT_MASKS: Readonly<Record<ChannelLayoutName, number>> = {
  mono: SPEAKER_FRONT_CENTER, // 0x4
  stereo: SPEAKER_FRONT_LEFT | SPEAKER_FRONT_RIGHT, // 0x3
  LCR: SPEAKER_FRONT_LEFT | SPEAKER_FRONT_RIGHT | SPEAKER_FRONT_CENTER, // 0x7
  // L R C LFE Ls Rs ("5.1 back")
  '5.1': 0x0f | SPEAKER_BACK_LEFT | SPEAKER_BACK_RIGHT, // 0x3F
  // L R C LFE Lrs Rrs Lss Rss
  '7.1': 0x3f | SPEAKER_SIDE_LEFT | SPEAKER_SIDE_RIGHT, // 0x63F
};

/** dwChannelMask for a layout, in WAV channel order. */
export function channelMaskFor(layout: ChannelLayoutName): number {
  const mask = LAYOUT_MASKS[layout];
  if (mask === undefined) throw new RangeError(`unknown channel layout '${String(layout)}'`);
  return mask;
}

/** Number of set bits in a 32-bit mask. */
export function popcount32(mask: number): number {
  let m = mask >>> 0;
  let n = 0;
  while (m !== 0) {
    m &= m - 1;
    n++;
  }
  return n;
}

// ---- limits ------------------------------------------------------------------------------------

export const MAX_CHANNELS = 8;
/** Largest value a 32-bit RIFF size field can hold; 0xFFFFFFFF also means "see ds64" in RF64. */
export const U32_MAX = 0xffffffff;
/** Size of a ds64 chunk body without a table: riffSize, dataSize, sampleCount (u64 each), tableLength (u32). */
export const DS64_BODY_BYTES = 28;
/** Size of the bext body before CodingHistory (EBU Tech 3285 v2). */
export const BEXT_FIXED_BYTES = 602;
