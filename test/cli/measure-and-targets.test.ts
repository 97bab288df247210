/**
 * Issue 3 at the edges: `postaudio measure` (text, --json fields, nulls for silence, --plot,
 * errors for files that cannot be measured) and the delivery diagnostics of the master section.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { compile } from '../../src/compiler/index.ts';
import { tmpDir, writeFiles, writeWav } from '../helpers/tmp-project.ts';

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), cwd });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('postaudio measure', () => {
  const dir = tmpDir('pa-measure-');
  // EBU Tech 3341 case 1: stereo 1 kHz at -23 dBFS per channel reads -23 LUFS
  writeWav(path.join(dir, 'tone.wav'), { frames: 48000 * 10, channels: 2, bits: 24 }, (i) => 10 ** (-23 / 20) * Math.sin((2 * Math.PI * 1000 * i) / 48000));
  writeWav(path.join(dir, 'silence.wav'), { frames: 48000 * 2, channels: 1 }, () => 0);
  fs.writeFileSync(path.join(dir, 'notes.wav'), 'not audio at all\n');
  writeWav(path.join(dir, 'empty.wav'), { frames: 0, channels: 1 }, () => 0);

  it('--json prints the documented fields, with the EBU reading', async () => {
    const r = await run(['measure', 'tone.wav', '--json'], dir);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    for (const k of ['file', 'integrated_lufs', 'lra_lu', 'momentary_max_lufs', 'short_term_max_lufs', 'true_peak_dbtp', 'sample_peak_dbfs', 'channels']) expect(j).toHaveProperty(k);
    expect(j.file).toBe('tone.wav');
    expect(Math.abs(j.integrated_lufs - -23)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(j.sample_peak_dbfs - -23)).toBeLessThanOrEqual(0.05);
    expect(j.channels).toHaveLength(2);
    expect(j.channels[0]).toHaveProperty('true_peak_dbtp');
    expect(j.channels[0]).toHaveProperty('sample_peak_dbfs');
  });

  it('silence gives null, never a sentinel number', async () => {
    const j = JSON.parse((await run(['measure', 'silence.wav', '--json'], dir)).out);
    expect(j.integrated_lufs).toBeNull();
    expect(j.lra_lu).toBeNull();
    expect(j.true_peak_dbtp).toBeNull();
  });

  it('--plot writes an SVG with both curves', async () => {
    const r = await run(['measure', 'tone.wav', '--plot', 'tone.svg'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/integrated\s+-23\.0 LUFS/);
    const svg = fs.readFileSync(path.join(dir, 'tone.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('momentary');
    expect((svg.match(/<path d="M/g) ?? []).length).toBe(2);
  });

  it('a file that is not audio, or has no audio, is an error with a code, not NaN', async () => {
    const r = await run(['measure', 'notes.wav', 'empty.wav', 'missing.wav'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/notes\.wav: error PA301/);
    expect(r.err).toMatch(/empty\.wav: error PA307/);
    expect(r.err).toMatch(/missing\.wav: error PA300/);
    expect(r.err).not.toMatch(/NaN/);
    expect((await run(['measure'], dir)).code).toBe(2);
  });
});

describe('delivery diagnostics', () => {
  const dir = tmpDir('pa-targets-');
  writeWav(path.join(dir, 'tone.wav'), { frames: 48000 }, (i) => 0.1 * Math.sin(i / 10));
  const yaml = (master: string) => `postaudio: 1
project: { title: T, sample_rate: 48000, frame_rate: 24, start: "01:00:00:00" }
sources: { tone: tone.wav }
buses: { FX: { stem: effects } }
sfx:
  - { id: e1, source: tone, at: "01:00:00:00", bus: FX }
master:
${master}`;

  async function diags(master: string) {
    writeFiles(dir, { 'postaudio.yaml': yaml(master) });
    const r = await compile(path.join(dir, 'postaudio.yaml'));
    return r.diagnostics.map((d) => `${d.code} ${d.line}:${d.col} ${d.message}`);
  }

  it('unknown target (with a did-you-mean), ceiling above 0 dBTP, upmix, and a dialogue basis with no dialogue stem', async () => {
    expect(await diags('  layout: stereo\n  deliverables:\n    - { name: a, file: a.wav, target: ebu-r129 }\n')).toEqual([
      "PA510 10:39 unknown target 'ebu-r129'",
    ]);
    expect(
      await diags('  layout: stereo\n  targets:\n    loud: { integrated: -14 LUFS, true_peak: 1 dBTP }\n  deliverables:\n    - { name: a, file: a.wav, target: loud }\n'),
    ).toEqual(["PA511 10:46 target 'loud': a true-peak ceiling of 1 dBTP is above full scale"]);
    expect(await diags('  layout: stereo\n  deliverables:\n    - { name: a, file: a.wav, layout: "5.1" }\n')).toEqual([
      "PA513 10:39 deliverable 'a': cannot make 5.1 from a stereo master: that would be an upmix, not a downmix",
    ]);
    expect(await diags('  layout: stereo\n  deliverables:\n    - { name: a, file: a.wav, downmix: ltrt }\n')).toEqual([
      "PA513 10:40 deliverable 'a': an Lt/Rt downmix folds a 5.1 or 7.1 master into stereo",
    ]);
    expect(await diags('  layout: stereo\n  deliverables:\n    - { name: a, file: a.wav, target: streaming }\n')).toEqual([
      "PA514 10:39 target 'streaming' is measured on dialogue, but no bus feeds the dialogue stem",
    ]);
    const bad = await diags('  layout: "9.1"\n  file: a.wav\n');
    expect(bad[0]).toMatch(/^PA102 8:11 master\.layout must be one of "mono", "stereo", "LCR", "5\.1", "7\.1"/);
  });

  it('a deliverable outside its target fails the build with PA501 and by how much', async () => {
    // a -16 LUFS target with a -30 dBTP ceiling cannot be met: the limiter holds the level down
    writeFiles(dir, {
      'postaudio.yaml': yaml('  layout: stereo\n  targets:\n    t: { integrated: -16 LUFS, tolerance: 1 LU, true_peak: -30 dBTP }\n  deliverables:\n    - { name: a, file: a.wav, target: t }\n'),
    });
    const r = await run(['build', '.', '--jobs', '1'], dir);
    expect(r.code).toBe(1);
    expect(`${r.out}\n${r.err}`).toMatch(/error PA501: a\.wav: integrated loudness -\d+\.\d\d LUFS \(program\) is \d+\.\d\d LU below the target -16 LUFS ±1 LU/);
    const ok = await run(['build', '.', '--jobs', '1', '--allow-qc-fail'], dir);
    expect(ok.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'out/qc.md'), 'utf8')).toMatch(/\*\*FAIL\*\*: integrated/);
  });
});
