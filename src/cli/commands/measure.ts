/** `postaudio measure FILE...`: loudness, LRA, true and sample peaks of WAV files. */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../compiler/diagnostics.ts';
import { writeAtomic } from '../../engine/cache.ts';
import { loudnessSvg } from '../../renderers/loudness-plot.ts';
import { measureWav, measurementJson } from '../../renderers/measure.ts';
import { RenderError } from '../../renderers/types.ts';
import { EXIT_OK, EXIT_PROJECT, type Io } from '../context.ts';

export async function measureCommand(io: Io, files: string[], opts: { json?: boolean; plot?: string }): Promise<number> {
  if (files.length === 0) throw new UsageError('measure needs at least one WAV file');
  let failed = false;
  const c = io.colors;
  for (const file of files) {
    const abs = path.resolve(io.cwd, file);
    try {
      if (!fs.existsSync(abs)) throw new RenderError('PA300', 'file does not exist');
      const m = measureWav(abs, { series: Boolean(opts.plot) });
      const j = measurementJson(file, m);
      if (opts.json) io.out(JSON.stringify(j));
      else {
        const v = (x: unknown, unit: string) => (x === null ? c.dim('–') : `${(x as number).toFixed(1)} ${unit}`);
        io.out(`${c.bold(file)}  ${m.sampleRate} Hz, ${m.layout ?? `${m.channels} ch`}, ${(j.duration_s as number).toFixed(2)} s`);
        io.out(`  integrated      ${v(j.integrated_lufs, 'LUFS')}`);
        io.out(`  loudness range  ${v(j.lra_lu, 'LU')}`);
        io.out(`  momentary max   ${v(j.momentary_max_lufs, 'LUFS')}`);
        io.out(`  short-term max  ${v(j.short_term_max_lufs, 'LUFS')}`);
        io.out(`  true peak       ${v(j.true_peak_dbtp, 'dBTP')}`);
        io.out(`  sample peak     ${v(j.sample_peak_dbfs, 'dBFS')}`);
        for (const ch of j.channels as { channel: string; true_peak_dbtp: number | null; sample_peak_dbfs: number | null }[]) {
          io.out(`    ${ch.channel.padEnd(4)} true peak ${v(ch.true_peak_dbtp, 'dBTP')}, sample peak ${v(ch.sample_peak_dbfs, 'dBFS')}`);
        }
      }
      if (opts.plot) {
        const target = files.length === 1 ? path.resolve(io.cwd, opts.plot) : path.join(path.resolve(io.cwd, opts.plot), `${path.basename(file, path.extname(file))}.loudness.svg`);
        writeAtomic(target, loudnessSvg(m.loudness.series ?? [], { title: `${path.basename(file)} — loudness`, integrated: m.loudness.integrated }));
        if (!opts.json) io.out(`  plot: ${path.relative(io.cwd, target)}`);
      }
    } catch (err) {
      if (!(err instanceof RenderError)) throw err;
      failed = true;
      io.err(`${file}: ${c.red(c.bold(`error ${err.code}`))}: ${err.message}`);
    }
  }
  return failed ? EXIT_PROJECT : EXIT_OK;
}
