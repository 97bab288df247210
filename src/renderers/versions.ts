/**
 * Kind versions: bump a kind's number whenever its renderer's output would change
 * for the same params and inputs, so every cached object of that kind is re-rendered.
 * This module imports nothing, so the compiler can key nodes without loading DSP code.
 */
export const KIND_VERSIONS = {
  source: 3, // 3: a denoise profile is learned after the restoration steps before it
  clip: 2,
  bus: 3, // 3: a processed bus's gain and fader automation come after its processing (post-insert)
  stem: 2, // 2: inputs summed from the first block even when the list is not sorted by start
  master: 2, // 2: likewise
  loudness: 1,
  deliverable: 2,
  qc: 1,
  report: 1,
} as const;

/** Written into deliverables (BWF coding history) and into postaudio.lock. */
export const ENGINE_VERSION = '0.1.0';
