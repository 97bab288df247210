/**
 * Measuring audio: loudness (BS.1770-4 / EBU R128), loudness range (Tech 3342), true
 * and sample peaks of a WAV file or of any block reader, streamed block by block in
 * bounded memory. Channel weights follow the layout (from the file's channel mask).
 */
import fs from 'node:fs';
import { WavError, WavReader } from '../io/index.ts';
import { LoudnessMeter, type LoudnessResult, type LoudnessSeriesPoint } from './dsp/loudness.ts';
import { LAYOUTS, layoutFromMask, type LayoutName } from './dsp/layouts.ts';
import type { BlockReader } from './inputs.ts';
import { BLOCK, RenderError } from './types.ts';
import { KIND_VERSIONS } from './versions.ts';

export interface Measurement {
  sampleRate: number;
  channels: number;
  layout: LayoutName | null;
  frames: number;
  loudness: LoudnessResult;
}

export function weightsFor(layout: LayoutName | null, channels: number): number[] | undefined {
  return layout && LAYOUTS[layout].channels === channels ? [...LAYOUTS[layout].loudnessWeights] : undefined;
}

/** The meter every measurement uses: BS.1770 weights from the layout, true peak on. */
export function createMeter(opts: { sampleRate: number; channels: number; layout: LayoutName | null; series?: boolean }): LoudnessMeter {
  return new LoudnessMeter({ sampleRate: opts.sampleRate, channels: opts.channels, weights: weightsFor(opts.layout, opts.channels), series: opts.series });
}

/** Measures a reader from 0 to its end. */
export function measureReader(r: BlockReader, opts: { sampleRate: number; layout: LayoutName | null; series?: boolean; block?: number }): Measurement {
  const block = opts.block ?? BLOCK;
  const meter = createMeter({ sampleRate: opts.sampleRate, channels: r.channels, layout: opts.layout, series: opts.series });
  const buf = new Float32Array(block * r.channels);
  for (let pos = 0; pos < r.frames; pos += block) {
    const n = Math.min(block, r.frames - pos);
    r.read(pos, n, buf);
    meter.process(buf, n);
  }
  return { sampleRate: opts.sampleRate, channels: r.channels, layout: opts.layout, frames: r.frames, loudness: meter.result() };
}

/** Measures a WAV file. Throws RenderError (PA301–PA304 for files that are not usable WAV, PA307 for no audio). */
export function measureWav(path: string, opts: { series?: boolean } = {}): Measurement {
  let reader: WavReader;
  try {
    reader = WavReader.open(path);
  } catch (err) {
    if (err instanceof WavError) throw new RenderError(err.code, err.message.split(`${path}: `).join(''));
    throw new RenderError('PA301', `cannot read: ${(err as Error).message}`);
  }
  try {
    const { sampleRate, channels, frames, channelMask } = reader.info;
    if (frames === 0) throw new RenderError('PA307', 'the file holds no audio (zero length): nothing to measure');
    const layout = layoutFromMask(channelMask ?? 0, channels);
    const r: BlockReader = {
      channels,
      frames,
      read: (start, n, out) => {
        const got = reader.read(start, n, out);
        if (got < n) out.fill(0, got * channels, n * channels);
      },
      live: () => [[0, frames]],
      close: () => reader.close(),
    };
    return measureReader(r, { sampleRate, layout, series: opts.series });
  } finally {
    reader.close();
  }
}

/**
 * A measurement kept as a side result in a deliverable's cache entry: the deliverable meters
 * the exact samples it writes (after dither and quantisation, so the very values a reader of
 * the file decodes), and QC reads this instead of decoding the file again. `meter` is the qc
 * kind version it was made under: a change to metering bumps qc, and older side results are
 * then ignored (QC measures the file itself), as are ones that do not match what QC expects.
 */
export interface SideMeasurement {
  type: 'measurement';
  meter: number;
  sampleRate: number;
  channels: number;
  layout: LayoutName | null;
  frames: number;
  loudness: LoudnessResult;
}

export function writeSideMeasurement(path: string, m: Measurement): void {
  const side: SideMeasurement = { type: 'measurement', meter: KIND_VERSIONS.qc, sampleRate: m.sampleRate, channels: m.channels, layout: m.layout, frames: m.frames, loudness: m.loudness };
  fs.writeFileSync(path, `${JSON.stringify(side)}\n`);
}

/** The side measurement at `path` when it exists and is of this meter and the expected signal; null otherwise. */
export function readSideMeasurement(path: string | null | undefined, expect: { sampleRate: number; channels: number; layout: LayoutName | null; frames: number; series?: boolean }): Measurement | null {
  if (!path) return null;
  let side: SideMeasurement;
  try {
    side = JSON.parse(fs.readFileSync(path, 'utf8')) as SideMeasurement;
  } catch {
    return null;
  }
  const ok =
    side?.type === 'measurement' &&
    side.meter === KIND_VERSIONS.qc &&
    side.sampleRate === expect.sampleRate &&
    side.channels === expect.channels &&
    side.layout === expect.layout &&
    side.frames === expect.frames &&
    side.loudness?.frames === expect.frames &&
    (!expect.series || Array.isArray(side.loudness.series));
  return ok ? { sampleRate: side.sampleRate, channels: side.channels, layout: side.layout, frames: side.frames, loudness: side.loudness } : null;
}

const r2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

/** The `--json` shape of a measurement: stable field names, null for undefined values. */
export function measurementJson(file: string, m: Measurement): Record<string, unknown> {
  const l = m.loudness;
  return {
    file,
    sample_rate: m.sampleRate,
    channel_count: m.channels,
    layout: m.layout,
    duration_s: Math.round((m.frames / m.sampleRate) * 1000) / 1000,
    integrated_lufs: r2(l.integrated),
    lra_lu: r2(l.lra),
    momentary_max_lufs: r2(l.momentaryMax),
    short_term_max_lufs: r2(l.shortTermMax),
    true_peak_dbtp: r2(l.truePeak),
    sample_peak_dbfs: r2(l.samplePeak),
    channels: l.channels.map((c, i) => ({
      channel: m.layout ? LAYOUTS[m.layout].labels[i] : String(i + 1),
      true_peak_dbtp: r2(c.truePeak),
      sample_peak_dbfs: r2(c.samplePeak),
    })),
  };
}

export type { LoudnessSeriesPoint };
