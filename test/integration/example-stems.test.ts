/**
 * Issue 4's stems test on the example film itself: with its deliverables written as 32-bit
 * float and the printmaster's limiter off, the four stems sum to the printmaster within
 * −120 dBFS and the M&E is music + effects + foley. (The example's buses start at different
 * times and far apart — the case a small project does not reach.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { buildProject, tmpDir } from '../helpers/tmp-project.ts';
import { db, readWav, rms } from './helpers.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const example = path.join(repo, 'examples/film-project');

it('the example film: printmaster − Σ stems ≤ −120 dBFS (limiter off), M&E = music + effects + foley', async () => {
  const dir = tmpDir('pa-example-stems-');
  try {
    fs.cpSync(example, dir, { recursive: true, filter: (src) => !/[\\/](out|\.postaudio)$/.test(src) });
    const file = path.join(dir, 'postaudio.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const at = text.indexOf('  deliverables:\n');
    expect(at).toBeGreaterThan(0);
    fs.writeFileSync(
      file,
      `${text.slice(0, at)}  deliverables:
    - { name: printmaster, file: print.wav, layout: "5.1", bits: 32f, target: streaming, limiter: false }
    - { name: stems, file: "stem-{stem}.wav", stems: [dialogue, music, effects, foley], bits: 32f }
    - { name: m-and-e, file: m-and-e.wav, mix: [music, effects, foley], bits: 32f }
`,
    );
    const run = await buildProject(dir, { jobs: 4 });
    expect(run.diagnostics).toEqual([]);
    expect(run.ok).toBe(true);
    const read = (f: string) => readWav(path.join(dir, 'out', f));
    const print = read('print.wav');
    const stems = ['dialogue', 'music', 'effects', 'foley'].map((s) => read(`stem-${s}.wav`));
    const me = read('m-and-e.wav');
    let worst = 0;
    let worstMe = 0;
    for (let k = 0; k < print.data.length; k++) {
      const [d, m, e, f] = [stems[0].data[k], stems[1].data[k], stems[2].data[k], stems[3].data[k]];
      worst = Math.max(worst, Math.abs(print.data[k] - (d + m + e + f)));
      worstMe = Math.max(worstMe, Math.abs(me.data[k] - (m + e + f)));
    }
    expect(db(worst)).toBeLessThan(-120);
    expect(db(worstMe)).toBeLessThan(-120);
    // 1M1 plays from the first frame, before any dialogue: it is in the printmaster (it used to be missing
    // for the first 10.5 s, until the dialogue bus — first in id order — began)
    const sixSeconds = 6 * 48000 * 6;
    expect(rms(stems[1].data, 0, sixSeconds)).toBeGreaterThan(1e-3);
    expect(db(rms(print.data, 0, sixSeconds) / rms(stems[1].data, 0, sixSeconds))).toBeGreaterThan(-1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
