/**
 * Distance cues that are plain functions of the source–listener distance d (metres):
 * the direct-sound attenuation law, the reverb send law and the propagation delay.
 *
 * Attenuation models (the Web Audio API `PannerNode` distance models, as restated in
 * shared/reference/distance-and-restoration.md; ref = refDistance, max = maxDistance):
 *
 *   inverse (default):  g = ref / (ref + rolloff·(max(d, ref) − ref))
 *   linear:             g = 1 − rolloff·(clamp(d, ref, max) − ref) / (max − ref)
 *   exponential:        g = (max(d, ref) / ref)^(−rolloff)
 *
 * With rolloff = 1 and ref = 1 m, "inverse" is the free-field inverse-distance law
 * (20·log10(2) = 6.02 dB per doubling of distance). Only `linear` uses maxDistance; the
 * other two laws keep falling past it, as in Web Audio. Web Audio clamps a linear
 * rolloff to [0, 1]; we reject a value outside that range instead of silently changing it.
 *
 * Propagation speed: c = 331.3·√(1 + T/273.15) m/s (ideal-gas law for dry air,
 * T in °C; 343.2 m/s at 20 °C).
 */

export type DistanceModelKind = 'inverse' | 'linear' | 'exponential';

export interface DistanceModel {
  readonly model?: DistanceModelKind;
  /** Distance at and below which the gain is 1 (metres, > 0). Default 1 m. */
  readonly refDistance?: number;
  /** Distance at which the `linear` law reaches its floor (metres, > refDistance). Default 10 000 m. */
  readonly maxDistance?: number;
  /** Steepness of the law (≥ 0; ≤ 1 for `linear`). Default 1. */
  readonly rolloff?: number;
}

/** The Web Audio defaults: inverse law, ref 1 m, max 10 000 m, rolloff 1. */
export const DEFAULT_DISTANCE_MODEL: Readonly<Required<DistanceModel>> = Object.freeze({
  model: 'inverse',
  refDistance: 1,
  maxDistance: 10_000,
  rolloff: 1,
});

function resolveModel(m: DistanceModel | undefined): Required<DistanceModel> {
  const r: Required<DistanceModel> = { ...DEFAULT_DISTANCE_MODEL, ...m };
  if (!(Number.isFinite(r.refDistance) && r.refDistance > 0)) {
    throw new RangeError(`distance model: refDistance must be a finite number > 0, got ${r.refDistance}`);
  }
  if (!(Number.isFinite(r.rolloff) && r.rolloff >= 0)) {
    throw new RangeError(`distance model: rolloff must be a finite number ≥ 0, got ${r.rolloff}`);
  }
  if (r.model === 'linear') {
    if (!(Number.isFinite(r.maxDistance) && r.maxDistance > r.refDistance)) {
      throw new RangeError(
        `distance model: linear needs maxDistance > refDistance, got ${r.maxDistance} ≤ ${r.refDistance}`,
      );
    }
    if (r.rolloff > 1) throw new RangeError(`distance model: linear rolloff must be ≤ 1, got ${r.rolloff}`);
  } else if (r.model !== 'inverse' && r.model !== 'exponential') {
    throw new RangeError(`distance model: unknown model ${JSON.stringify(r.model)}`);
  }
  return r;
}

function checkDistance(d: number): void {
  if (!(d >= 0 && Number.isFinite(d))) throw new RangeError(`distance must be a finite number ≥ 0 m, got ${d}`);
}

/** Linear amplitude gain of the direct sound at distance `d` metres (formulas in the file header). */
export function distanceGain(d: number, model?: DistanceModel): number {
  return gainOf(d, resolveModel(model));
}

/** The attenuation law for an already validated model (allocation-free). */
function gainOf(d: number, m: Required<DistanceModel>): number {
  checkDistance(d);
  const ref = m.refDistance;
  switch (m.model) {
    case 'inverse':
      // g = ref / (ref + rolloff·(max(d, ref) − ref))
      return ref / (ref + m.rolloff * (Math.max(d, ref) - ref));
    case 'linear':
      // g = 1 − rolloff·(clamp(d, ref, max) − ref)/(max − ref)
      return 1 - (m.rolloff * (Math.min(Math.max(d, ref), m.maxDistance) - ref)) / (m.maxDistance - ref);
    case 'exponential':
      // g = (max(d, ref)/ref)^(−rolloff)
      return Math.pow(Math.max(d, ref) / ref, -m.rolloff);
  }
}

/** `distanceGain` in dB (20·log10 g; −Infinity where the linear law reaches 0). */
export function distanceGainDb(d: number, model?: DistanceModel): number {
  return 20 * Math.log10(distanceGain(d, model));
}

/**
 * Per-sample distance gain: out[i] = in[i] · g(distance[i]) for i < frames.
 * `in` and `out` may be the same array. The model is validated once per call;
 * the loop allocates nothing.
 */
export function applyDistanceGain(
  input: Float32Array | Float64Array,
  output: Float32Array | Float64Array,
  distance: Float32Array | Float64Array | number,
  frames: number,
  model?: DistanceModel,
): void {
  if (frames > input.length || frames > output.length) {
    throw new RangeError(`applyDistanceGain: ${frames} frames exceed the buffers (${input.length}, ${output.length})`);
  }
  const m = resolveModel(model);
  if (typeof distance === 'number') {
    const g = gainOf(distance, m);
    for (let i = 0; i < frames; i++) output[i] = input[i]! * g;
    return;
  }
  if (distance.length < frames) {
    throw new RangeError(`applyDistanceGain: distance has ${distance.length} values for ${frames} frames`);
  }
  for (let i = 0; i < frames; i++) output[i] = input[i]! * gainOf(distance[i]!, m);
}

// ---------------------------------------------------------------------------------------
// Direct-to-reverberant send law
// ---------------------------------------------------------------------------------------

export interface ReverbSendOptions {
  /**
   * Critical distance d_c (metres, > 0): where the direct and the diffuse reverberant
   * energies are equal. For a room, `criticalDistance()` below estimates it.
   */
  readonly criticalDistance: number;
  /** Distances below this are treated as this (metres, > 0). Default 1 m, as the attenuation laws. */
  readonly refDistance?: number;
  /**
   * What happens past d_c. `hold` (default): the send stays at 0 dB relative to the
   * direct sound, so a far source keeps some direct sound (what game engines' send curves
   * do). `rise`: keep rising 6 dB per doubling — the diffuse-field physics, where the
   * reverberant level no longer depends on distance at all.
   */
  readonly beyondCritical?: 'hold' | 'rise';
}

/** The critical distance postaudio assumes for a `reverb:` send (m): the send reaches 0 dB there. */
export const SEND_CRITICAL_DISTANCE = 5;

/**
 * Gain of the reverb send *relative to the direct sound* (apply it to the signal after
 * the distance gain, i.e. a post-fader send).
 *
 * Direct energy falls as Q/(4πr²); the diffuse reverberant energy in a room is roughly
 * independent of r (∝ 4/A, Sabine). Their ratio is E_rev/E_dir = r²/d_c², so the
 * amplitude ratio is r/d_c: the send rises 6.02 dB per doubling of distance and reaches
 * 0 dB (equal energies) at the critical distance.
 *
 *   r = max(d, refDistance)
 *   g = r / d_c                      for r ≤ d_c
 *   g = 1 (hold)  or  r / d_c (rise) for r > d_c
 *
 * Example, d_c = 8 m: 1 m → −18.1 dB, 2 m → −12.0 dB, 4 m → −6.0 dB, 8 m and beyond → 0 dB (hold).
 */
export function reverbSendGain(d: number, opts: ReverbSendOptions): number {
  checkDistance(d);
  const dc = opts.criticalDistance;
  const ref = opts.refDistance ?? 1;
  if (!(Number.isFinite(dc) && dc > 0)) throw new RangeError(`reverbSendGain: criticalDistance must be > 0 m, got ${dc}`);
  if (!(Number.isFinite(ref) && ref > 0)) throw new RangeError(`reverbSendGain: refDistance must be > 0 m, got ${ref}`);
  const r = Math.max(d, ref);
  const g = r / dc;
  return (opts.beyondCritical ?? 'hold') === 'rise' ? g : Math.min(g, 1);
}

/**
 * Critical distance of a room from Sabine's equation:
 *   A = 0.161·V / RT60 (m², equivalent absorption area),  d_c = √(Q·A / (16π)) ≈ 0.057·√(Q·V / RT60)
 * with V in m³, RT60 in s and Q the source directivity factor (1 = omnidirectional).
 */
export function criticalDistance(room: { volume: number; rt60: number; directivity?: number }): number {
  const { volume: V, rt60 } = room;
  const Q = room.directivity ?? 1;
  if (!(V > 0 && rt60 > 0 && Q > 0) || !Number.isFinite(V + rt60 + Q)) {
    throw new RangeError(`criticalDistance: volume, rt60 and directivity must be finite and > 0`);
  }
  const A = (0.161 * V) / rt60;
  return Math.sqrt((Q * A) / (16 * Math.PI));
}

// ---------------------------------------------------------------------------------------
// Propagation delay
// ---------------------------------------------------------------------------------------

/** Speed of sound in dry air (m/s) at `temperatureC` °C: c = 331.3·√(1 + T/273.15). Default 20 °C → 343.2 m/s. */
export function speedOfSound(temperatureC = 20): number {
  if (!(Number.isFinite(temperatureC) && temperatureC > -273.15)) {
    throw new RangeError(`speedOfSound: temperature must be above −273.15 °C, got ${temperatureC}`);
  }
  return 331.3 * Math.sqrt(1 + temperatureC / 273.15);
}

/** Propagation delay d/c in seconds. */
export function propagationDelaySeconds(d: number, temperatureC = 20): number {
  checkDistance(d);
  return d / speedOfSound(temperatureC);
}

/** Propagation delay d/c in samples (fractional) at `sampleRate`. */
export function propagationDelaySamples(d: number, sampleRate: number, temperatureC = 20): number {
  if (!(sampleRate > 0 && Number.isFinite(sampleRate))) throw new RangeError(`sampleRate must be > 0, got ${sampleRate}`);
  return propagationDelaySeconds(d, temperatureC) * sampleRate;
}
