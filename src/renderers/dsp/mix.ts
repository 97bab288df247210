/**
 * Summing: adds a block of interleaved float32 frames into a float64 accumulator,
 * scaled by a constant gain. Callers add inputs in a fixed order (start, id), so the
 * floating-point sum, and so the output bytes, never depend on scheduling.
 */
export function addInto(acc: Float64Array, accFrame: number, src: Float32Array, frames: number, channels: number, gain: number): void {
  const base = accFrame * channels;
  const n = frames * channels;
  if (gain === 1) {
    for (let k = 0; k < n; k++) acc[base + k] += src[k];
  } else {
    for (let k = 0; k < n; k++) acc[base + k] += gain * src[k];
  }
}

/** Adds `frames` frames scaled per frame: acc[f] += gain[f]·src[f] on every channel. */
export function addIntoScaled(acc: Float64Array, accFrame: number, src: Float32Array, frames: number, channels: number, gain: Float64Array): void {
  const base = accFrame * channels;
  for (let f = 0; f < frames; f++) {
    const g = gain[f];
    const o = f * channels;
    for (let c = 0; c < channels; c++) acc[base + o + c] += g * src[o + c];
  }
}

/** Converts the accumulator to float32 with a final gain, into out[offset …]. */
export function toFloat32(acc: Float64Array, out: Float32Array, samples: number, gain: number, offset = 0): void {
  for (let k = 0; k < samples; k++) out[offset + k] = gain * acc[k];
}
