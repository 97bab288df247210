import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { frameRate, parseTimecode, type FrameRate } from '../../src/compiler/timecode.ts';
import { readPictureLock, type PictureLock, type PictureProblem } from '../../src/picture/index.ts';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const fixture = (name: string): string => path.join(FIXTURES, name);

export function rate(name: string | number): FrameRate {
  const r = frameRate(name);
  if (!r) throw new Error(`no rate ${name}`);
  return r;
}

export const R24 = rate(24);
export const R25 = rate(25);
export const R23 = rate(23.976);
export const R2997 = rate(29.97);
export const DF = rate('29.97df');

/** Timecode → frames at `r`; throws on a bad timecode so a typo in a test fails loudly. */
export function tc(text: string, r: FrameRate = R24): number {
  const p = parseTimecode(text, r);
  if ('error' in p) throw new Error(p.error);
  return p.frames;
}

/** Read a fixture that must parse without problems. */
export function lockOf(name: string, r: FrameRate = R24): PictureLock {
  const res = readPictureLock(fixture(name), r, { displayPath: name });
  if (res.problems.length) throw new Error(`${name}: ${res.problems.map((p) => `${p.code} ${p.line}:${p.col} ${p.message}`).join('\n')}`);
  if (!res.lock) throw new Error(`${name}: no lock`);
  return res.lock;
}

/** code line:col of each problem, for compact assertions */
export const where = (problems: readonly PictureProblem[]): string[] => problems.map((p) => `${p.code} ${p.line}:${p.col}`);
