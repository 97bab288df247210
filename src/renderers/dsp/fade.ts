/**
 * Clip gain envelopes: a constant gain with fade-in and fade-out ramps.
 *
 * For a clip of L samples with a fade-in of n samples, sample i < n is scaled by
 * c(i / n), so the first sample is silent; with a fade-out of m samples, sample
 * j ≥ L − m is scaled by c((L − j) / m), so the ramp reaches 1/m just before the end.
 * Curves: linear c(x) = x; equal-power c(x) = sin(x·π/2) (a crossfade of a rising and
 * a falling equal-power ramp keeps constant power: sin² + cos² = 1).
 * The gain at a sample depends only on its index, never on the block it falls in.
 */
export type Curve = 'linear' | 'equal-power';

export interface Envelope {
  gain: number;
  length: number;
  fadeIn: number;
  fadeInCurve: Curve;
  fadeOut: number;
  fadeOutCurve: Curve;
}

function curve(kind: Curve, x: number): number {
  return kind === 'linear' ? x : Math.sin((x * Math.PI) / 2);
}

/** Gain of sample `i` (0-based within the clip). */
export function envelopeAt(env: Envelope, i: number): number {
  let g = env.gain;
  if (i < env.fadeIn) g *= curve(env.fadeInCurve, i / env.fadeIn);
  const fromEnd = env.length - i;
  if (fromEnd <= env.fadeOut) g *= curve(env.fadeOutCurve, fromEnd / env.fadeOut);
  return g;
}
