/** Small projects with a picture lock, for the anchor, conform and CLI tests. */
import { join } from 'node:path';
import { compile, type CompileResult } from '../../src/compiler/index.ts';
import type { FileContent } from '../helpers/project.ts';
import { wav, yaml } from '../helpers/project.ts';

/** One EDL event line: number, reel, source in/out, record in/out (no FCM games). */
export function edlEvent(n: number, reel: string, src: [string, string], rec: [string, string], name?: string, transition = 'C       '): string {
  const line = `${String(n).padStart(3, '0')}  ${reel.padEnd(8)} V     ${transition} ${src[0]} ${src[1]} ${rec[0]} ${rec[1]}`;
  return name ? `${line}\n* FROM CLIP NAME:  ${name}\n` : `${line}\n`;
}

export function edl(title: string, events: string[]): string {
  return `TITLE: ${title}\nFCM: NON-DROP FRAME\n\n${events.join('')}`;
}

/** Three 2-second shots: SH01 (R1) 0–2 s, SH02 (R2) 2–4 s, SH03 (R3) 4–6 s after 01:00:00:00. */
export const CUT_V1 = edl('CUT V1', [
  edlEvent(1, 'R1', ['10:00:00:00', '10:00:02:00'], ['01:00:00:00', '01:00:02:00'], 'SH01'),
  edlEvent(2, 'R2', ['11:00:00:00', '11:00:02:00'], ['01:00:02:00', '01:00:04:00'], 'SH02'),
  edlEvent(3, 'R3', ['12:00:00:00', '12:00:02:00'], ['01:00:04:00', '01:00:06:00'], 'SH03'),
]);

/**
 * The re-cut: one second of black at the head, SH01 as before (+1 s), SH02's head
 * trimmed by 12 frames (it starts 12f later in its footage, +12f on the timeline), SH03
 * removed, a new SH04 after SH02.
 */
export const CUT_V2 = edl('CUT V2', [
  edlEvent(1, 'BL', ['00:00:00:00', '00:00:01:00'], ['01:00:00:00', '01:00:01:00']),
  edlEvent(2, 'R1', ['10:00:00:00', '10:00:02:00'], ['01:00:01:00', '01:00:03:00'], 'SH01'),
  edlEvent(3, 'R2', ['11:00:00:12', '11:00:02:00'], ['01:00:03:00', '01:00:04:12'], 'SH02'),
  edlEvent(4, 'R4', ['13:00:00:00', '13:00:02:00'], ['01:00:04:12', '01:00:06:12'], 'SH04'),
]);

export const HEAD = yaml`
  postaudio: 1
  project:
    title: Cut
    sample_rate: 48000
    frame_rate: 24
    start: "01:00:00:00"
`;

/** A project: HEAD, picture (when lock is given), a 1 s tone, a short 0.5 s blip, buses and these event lines. */
export function projectYaml(opts: { lock?: string; picture?: string; dialogue?: string[]; sfx?: string[]; music?: string[] }): string {
  const pic = opts.picture ?? (opts.lock ? `picture: { lock: ${opts.lock} }\n` : '');
  const list = (name: string, items?: string[]) => (items && items.length ? `${name}:\n${items.map((i) => `  - ${i}\n`).join('')}` : '');
  return (
    HEAD +
    pic +
    'sources:\n  tone: tone.wav\n  blip: blip.wav\n' +
    'buses:\n  DX: { stem: dialogue }\n  FX: { stem: effects }\n  MX: { stem: music }\n' +
    list('dialogue', opts.dialogue) +
    list('sfx', opts.sfx) +
    list('music', opts.music) +
    'master:\n  layout: stereo\n  file: mix.wav\n'
  );
}

export function projectFiles(yamlText: string, extra: Record<string, FileContent> = {}): Record<string, FileContent> {
  return { 'postaudio.yaml': yamlText, 'tone.wav': wav(), 'blip.wav': wav({ frames: 24000 }), 'picture/v1.edl': CUT_V1, 'picture/v2.edl': CUT_V2, ...extra };
}

export async function compileDir(dir: string): Promise<CompileResult> {
  return compile(join(dir, 'postaudio.yaml'));
}

/** "code file:line:col" of each diagnostic. */
export const codes = (r: CompileResult): string[] => r.diagnostics.map((d) => `${d.code} ${d.file}:${d.line}:${d.col}`);
