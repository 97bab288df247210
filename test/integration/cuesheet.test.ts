/**
 * `postaudio cuesheet` (issue 4) through the CLI entry point: the music cue sheet of the
 * example film as CSV and Markdown, and a small project for quoting, unlicensed cues,
 * usage overrides, --out and a project with errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { PLAIN } from '../../src/ui/format-diagnostic.ts';
import { tmpDir } from '../helpers/tmp-project.ts';
import { SR, makeProject, sine } from './helpers.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const example = path.join(repo, 'examples/film-project');

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), cwd, colors: PLAIN });
  return { code, out, err };
}

const HEADER = 'Cue,Title,Composers,Publishers,PRO,Usage,TC In,TC Out,Duration';

describe('postaudio cuesheet', () => {
  it('writes the example film’s cue sheet: three cues with titles, shares, PROs, usage, timecodes and durations', async () => {
    const dir = tmpDir('pa-cues-');
    fs.cpSync(example, dir, { recursive: true, filter: (src) => !/[\\/](out|\.postaudio)$/.test(src) });
    const r = await cli(['cuesheet', dir], dir);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toEqual(['3 cues: out/cuesheet.csv, out/cuesheet.md']);
    const csv = fs.readFileSync(path.join(dir, 'out/cuesheet.csv'), 'utf8');
    expect(csv).toBe(
      [
        HEADER,
        "1M1,Keeper's Watch,Ada Marlow (C) 100 %,Harbour Light Music (E) 100 %,PRS,BI,01:00:00:00,01:00:08:00,0:08",
        // in: 3.6 s of the 8 s pad → 4.4 s: out at 47 s + 9.6 frames (the frame it ends in)
        "1M2,Keeper's Watch,Ada Marlow (C) 100 %,Harbour Light Music (E) 100 %,PRS,BI,01:00:43:00,01:00:47:09,0:04",
        // the edit 0–8 s + 4–8 s makes a 12 s cue
        '1M3,Green Light,Tom Reyes (CA) 50 %; Ada Marlow (C) 50 %,Northlight Publishing (E) 100 %,ASCAP; PRS,BI,01:01:05:00,01:01:17:00,0:12',
        '',
      ].join('\r\n'),
    );
    const md = fs.readFileSync(path.join(dir, 'out/cuesheet.md'), 'utf8');
    expect(md.split('\n')).toEqual([
      '# Music cue sheet — Lighthouse',
      '',
      'Production: Harbour Light Films · Release: 2027-03-01 · Total music: 0:24',
      '',
      '| Cue | Title | Composers | Publishers | PRO | Usage | TC In | TC Out | Duration |',
      '|---|---|---|---|---|---|---|---|---|',
      "| 1M1 | Keeper's Watch | Ada Marlow (C) 100 % | Harbour Light Music (E) 100 % | PRS | BI | 01:00:00:00 | 01:00:08:00 | 0:08 |",
      "| 1M2 | Keeper's Watch | Ada Marlow (C) 100 % | Harbour Light Music (E) 100 % | PRS | BI | 01:00:43:00 | 01:00:47:09 | 0:04 |",
      '| 1M3 | Green Light | Tom Reyes (CA) 50 %; Ada Marlow (C) 50 % | Northlight Publishing (E) 100 % | ASCAP; PRS | BI | 01:01:05:00 | 01:01:17:00 | 0:12 |',
      '',
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const project = (release: string) => `postaudio: 1
project:
  title: Quotes
  sample_rate: 48000
  frame_rate: 24
  start: "01:00:00:00"
  release: ${release}
sources:
  mx: mx.wav
buses:
  MX: { stem: music }
music:
  - { id: 2M1, source: mx, at: "01:00:10:00", bus: MX, license: rain, usage: VV, in: 1 s }
  - { id: 1M1, source: mx, at: "01:00:00:00", bus: MX }
licenses:
  rain:
    title: 'Rain, Again "Live" | Reprise'
    composers: [ { name: Ann Lee, share: 100 %, pro: GEMA } ]
    publishers: [ { name: Bell Music, role: E, pro: SACEM } ]
    rights: [sync, master]
    media: [all]
    territory: worldwide
    term: { to: 2028-01-01 }
    usage: BI
master: { layout: stereo, file: mix.wav, bits: 32f }
`;

  it('sorts cues by time, quotes CSV fields, escapes Markdown pipes, marks unlicensed cues, honours --out', async () => {
    const dir = makeProject(project('2027-01-01'), { 'mx.wav': { frames: 3 * SR, fn: sine(220, 0.1) } });
    const r = await cli(['cuesheet', '.', '--out', 'sheets'], dir);
    expect(r.code).toBe(0);
    expect(r.err.join('\n')).toContain('PA400'); // the unlicensed cue is reported, as a warning
    expect(r.out).toEqual(['2 cues: sheets/cuesheet.csv, sheets/cuesheet.md']);
    const csv = fs.readFileSync(path.join(dir, 'sheets/cuesheet.csv'), 'utf8').split('\r\n');
    expect(csv).toEqual([
      HEADER,
      '1M1,(unlicensed),,,,,01:00:00:00,01:00:03:00,0:03',
      // the cue's usage (VV) overrides the license's (BI); a composer's role defaults to C, the PROs are collected
      '2M1,"Rain, Again ""Live"" | Reprise",Ann Lee (C) 100 %,Bell Music (E),GEMA; SACEM,VV,01:00:10:00,01:00:12:00,0:02',
      '',
    ]);
    const md = fs.readFileSync(path.join(dir, 'sheets/cuesheet.md'), 'utf8');
    expect(md).toContain('| 2M1 | Rain, Again "Live" \\| Reprise | Ann Lee (C) 100 % |');
    expect(md).toContain('Production: – · Release: 2027-01-01 · Total music: 0:05');
  });

  it('refuses a project whose licenses do not clear (exit 1, the PA403 printed, nothing written)', async () => {
    const dir = makeProject(project('2029-01-01'), { 'mx.wav': { frames: 3 * SR, fn: sine(220, 0.1) } });
    const r = await cli(['cuesheet', dir], dir);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/postaudio\.yaml:13:\d+: error PA403/);
    expect(fs.existsSync(path.join(dir, 'out/cuesheet.csv'))).toBe(false);
  });
});
