/**
 * Kind versions: bump a kind's number whenever its renderer's output would change
 * for the same params and inputs, so every cached object of that kind is re-rendered.
 * This module imports nothing, so the compiler can key nodes without loading DSP code.
 */
export const KIND_VERSIONS = {
  source: 2,
  clip: 2,
  bus: 2,
  stem: 1,
  master: 1,
  loudness: 1,
  deliverable: 2,
  qc: 1,
  report: 1,
} as const;

/** Written into deliverables (BWF coding history) and into postaudio.lock. */
export const ENGINE_VERSION = '0.1.0';
