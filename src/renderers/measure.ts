/**
 * Measuring audio: loudness (BS.1770-4 / EBU R128), loudness range (Tech 3342), true
 * and sample peaks of a WAV file or of any block reader, streamed block by block in
 * bounded memory. Channel weights follow the layout (from the file's channel mask).
 */
import { WavError, WavReader } from '../io/index.ts';
import { LoudnessMeter, type LoudnessResult, type LoudnessSeriesPoint } from './dsp/loudness.ts';
import { LAYOUTS, layoutFromMask, type LayoutName } from './dsp/layouts.ts';
import type { BlockReader } from './inputs.ts';
import { BLOCK, RenderError } from './types.ts';

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

/** Measures a reader from 0 to its end. */
export function measureReader(r: BlockReader, opts: { sampleRate: number; layout: LayoutName | null; series?: boolean; block?: number }): Measurement {
  const block = opts.block ?? BLOCK;
  const meter = new LoudnessMeter({ sampleRate: opts.sampleRate, channels: r.channels, weights: weightsFor(opts.layout, r.channels), series: opts.series });
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
