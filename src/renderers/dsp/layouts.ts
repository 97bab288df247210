/**
 * Channel layouts: channel order, speaker positions, WAV channel masks and
 * BS.1770 loudness weights for every layout postaudio renders.
 *
 * Channel order is WAV (WAVE_FORMAT_EXTENSIBLE) / SMPTE order, which is also the
 * order of the internal buffers (DESIGN §6): the channels appear in ascending
 * order of their dwChannelMask speaker bits.
 *
 *   layout  channels (in order)               mask written   masks accepted on read
 *   mono    C                                 0x4            0x4
 *   stereo  L R                               0x3            0x3
 *   LCR     L R C                             0x7            0x7
 *   5.1     L R C LFE Ls Rs                   0x3F           0x3F, 0x60F
 *   7.1     L R C LFE Lrs Rrs Lss Rss         0x63F          0x63F
 *
 * 5.1 masks. 0x3F names the surrounds BACK_LEFT/BACK_RIGHT ("5.1 back",
 * KSAUDIO_SPEAKER_5POINT1, the original WAVE_FORMAT_EXTENSIBLE 5.1); 0x60F names
 * them SIDE_LEFT/SIDE_RIGHT ("5.1 side", KSAUDIO_SPEAKER_5POINT1_SURROUND). Both
 * put the surrounds in channels 5 and 6 after L R C LFE, so the channel order is
 * the same and both mean Ls/Rs at ±110°. We write 0x3F: it is what
 * src/io/wav-format.ts already writes (one truth per layout), and it is the 5.1
 * mask that readers knowing only one 5.1 mask know. Files from tools that write
 * 0x60F (ffmpeg's default "5.1") read as 5.1 unchanged.
 * 7.1 is "7.1 surround" (KSAUDIO_SPEAKER_7POINT1_SURROUND): BACK = rear
 * surrounds, SIDE = side surrounds. 0xFF (the old "7.1 wide", with front
 * left/right-of-centre speakers) is a different layout and is not accepted.
 *
 * Speaker azimuths, in degrees, 0° = front centre, POSITIVE TO THE RIGHT
 * (clockwise seen from above), range (−180°, 180°]. This is the sign of our pan
 * control (pan −1 = left) and the opposite of ITU-R BS.2051's convention
 * (positive = left); the magnitudes are the ITU ones:
 *   L/R ±30° (BS.775 / BS.2051), C 0°, 5.1 Ls/Rs ±110° (BS.775: 100°–120°),
 *   7.1 side surrounds Lss/Rss ±90° and rear surrounds Lrs/Rrs ±135°
 *   (BS.2051 system I, "0+7+0": sides 60°–110°, rears 135°–150°; we take the
 *   ends used by the common 7.1 room layouts). The LFE has no azimuth (null).
 *
 * Loudness weights G_i, ITU-R BS.1770-4 Annex 1 Table 4 (position-dependent
 * weights, elevation < 30°): G = 1.41 (+1.5 dB) for 60° ≤ |θ| ≤ 120°,
 * G = 1.0 for the rest of the horizontal plane, and the LFE is excluded (0).
 * So the 5.1 surrounds (±110°) and the 7.1 side surrounds (±90°) weigh 1.41,
 * while the 7.1 REAR surrounds (±135°) weigh 1.0, as Table 4 prescribes (and as
 * libebur128 does for its ±135° channels). Note: a meter that weighs all four
 * 7.1 surrounds 1.41 reads 7.1 programme with rear content higher.
 */

export type LayoutName = 'mono' | 'stereo' | 'LCR' | '5.1' | '7.1';

export interface Layout {
  readonly name: LayoutName;
  /** Number of channels. */
  readonly channels: number;
  /** Channel labels in channel order. */
  readonly labels: readonly string[];
  /** Speaker azimuth per channel in degrees (positive = right); null for the LFE. */
  readonly azimuths: readonly (number | null)[];
  /** Index of the LFE channel, or null. */
  readonly lfe: number | null;
  /** dwChannelMask written for this layout. */
  readonly mask: number;
  /** Every dwChannelMask read as this layout (the written one first). */
  readonly acceptedMasks: readonly number[];
  /** BS.1770-4 channel weights G_i in channel order (0 for the LFE). */
  readonly loudnessWeights: readonly number[];
}

/** All layout names, from fewest to most channels. */
export const LAYOUT_NAMES: readonly LayoutName[] = ['mono', 'stereo', 'LCR', '5.1', '7.1'];

/**
 * BS.1770-4 Annex 1 Table 4 weight of a horizontal-plane speaker at azimuth θ
 * (degrees, either sign convention): 1.41 for 60° ≤ |θ| ≤ 120°, otherwise 1.0.
 */
export function bs1770Weight(azimuthDeg: number): number {
  let a = Math.abs(azimuthDeg) % 360;
  if (a > 180) a = 360 - a;
  return a >= 60 && a <= 120 ? 1.41 : 1.0;
}

function layout(
  name: LayoutName,
  labels: string[],
  azimuths: (number | null)[],
  masks: number[],
): Layout {
  const lfeIndex = azimuths.indexOf(null);
  return Object.freeze({
    name,
    channels: labels.length,
    labels: Object.freeze(labels),
    azimuths: Object.freeze(azimuths),
    lfe: lfeIndex < 0 ? null : lfeIndex,
    mask: masks[0]!,
    acceptedMasks: Object.freeze(masks),
    loudnessWeights: Object.freeze(azimuths.map((a) => (a === null ? 0 : bs1770Weight(a)))),
  });
}

export const LAYOUTS: Readonly<Record<LayoutName, Layout>> = Object.freeze({
  mono: layout('mono', ['C'], [0], [0x4]),
  stereo: layout('stereo', ['L', 'R'], [-30, 30], [0x3]),
  LCR: layout('LCR', ['L', 'R', 'C'], [-30, 30, 0], [0x7]),
  '5.1': layout('5.1', ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'], [-30, 30, 0, null, -110, 110], [0x3f, 0x60f]),
  '7.1': layout(
    '7.1',
    ['L', 'R', 'C', 'LFE', 'Lrs', 'Rrs', 'Lss', 'Rss'],
    [-30, 30, 0, null, -135, 135, -90, 90],
    [0x63f],
  ),
});

/**
 * The layout a WAV file's dwChannelMask and channel count describe, or null if
 * it is none of ours (the caller reports it).
 *
 * mask 0 (WAVE_FORMAT_EXTENSIBLE with no speaker assignment, or a plain
 * WAVE_FORMAT_PCM / IEEE_FLOAT header, which has no mask) is read by channel
 * count in WAV order: 1 mono, 2 stereo, 3 LCR (L R C), 6 5.1, 8 7.1.
 * Otherwise the mask must be one of a layout's accepted masks and name exactly
 * `channels` speakers.
 */
export function layoutFromMask(mask: number, channels: number): LayoutName | null {
  if (!Number.isInteger(mask) || mask < 0 || mask > 0xffffffff || !Number.isInteger(channels)) return null;
  const m = mask;
  for (const name of LAYOUT_NAMES) {
    const l = LAYOUTS[name];
    if (l.channels !== channels) continue;
    if (m === 0 || l.acceptedMasks.includes(m)) return name;
  }
  return null;
}
