/**
 * Loudness delivery targets and their presets (see shared/reference/delivery.md).
 * A preset is written by name (`target: ebu-r128`); a project may also define its own
 * under master.targets, which take precedence.
 */
export interface ResolvedTarget {
  name: string;
  /** LUFS */
  integrated: number;
  /** LU, ± */
  tolerance: number;
  /** dBTP ceiling */
  truePeak: number;
  /** LU, or null when unchecked */
  lraMax: number | null;
  basis: 'program' | 'dialogue';
}

export const TARGET_PRESETS: Record<string, ResolvedTarget> = {
  /** EBU R128 (2020): −23 LUFS ±1 LU in production, −1 dBTP, whole programme. */
  'ebu-r128': { name: 'ebu-r128', integrated: -23, tolerance: 1, truePeak: -1, lraMax: null, basis: 'program' },
  /** ATSC A/85 (CALM Act): −24 LKFS ±2 LU, −2 dBTP (common practice). */
  'atsc-a85': { name: 'atsc-a85', integrated: -24, tolerance: 2, truePeak: -2, lraMax: null, basis: 'program' },
  /** The large streamers' dialogue-gated spec: −27 LKFS ±2 LU on dialogue, −2 dBTP. */
  streaming: { name: 'streaming', integrated: -27, tolerance: 2, truePeak: -2, lraMax: null, basis: 'dialogue' },
  /** Online / podcast: −16 LUFS ±1 LU, −1 dBTP. */
  podcast: { name: 'podcast', integrated: -16, tolerance: 1, truePeak: -1, lraMax: null, basis: 'program' },
};
