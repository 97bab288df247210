/**
 * Panning and channel mapping to the master layout (mono or stereo for now).
 *
 * Mono source → stereo: constant-power pan law, θ = (p + 1)·π/4 for p ∈ [−1, 1],
 *   gL = cos θ, gR = sin θ, so gL² + gR² = 1 (−3.01 dB each at centre).
 * Stereo source → stereo: balance. The side panned away from is attenuated by
 *   cos(|p|·π/2); the other side is untouched, so p = 0 passes the source through.
 * Any source → mono: the mean of its channels (a stereo source's correlated
 *   content keeps its level). Pan is ignored in mono.
 *
 * Returns the matrix m[out][in] as a flat array (out-major): out[o] = Σ_i m[o·inCh + i]·in[i].
 */
export function panMatrix(pan: number, inChannels: number, outChannels: number): Float64Array {
  const m = new Float64Array(inChannels * outChannels);
  if (outChannels === 1) {
    for (let i = 0; i < inChannels; i++) m[i] = 1 / inChannels;
    return m;
  }
  if (outChannels !== 2) throw new RangeError(`unsupported output layout: ${outChannels} channels`);
  const p = Math.max(-1, Math.min(1, pan));
  if (inChannels === 1) {
    const theta = ((p + 1) * Math.PI) / 4;
    m[0] = Math.cos(theta);
    m[1] = Math.sin(theta);
    return m;
  }
  if (inChannels === 2) {
    const away = Math.cos((Math.abs(p) * Math.PI) / 2);
    m[0] = p > 0 ? away : 1; // L out ← L in
    m[3] = p < 0 ? away : 1; // R out ← R in
    return m;
  }
  throw new RangeError(`unsupported source layout: ${inChannels} channels`);
}
