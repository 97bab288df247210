/**
 * `master.layback`: after a successful build, lay the chosen deliverable back onto the picture
 * reference. Incremental like the rest of the build: a stamp in the cache folder records the
 * reference's and the mix's content hashes, and the movie is written again only when either
 * changed (or the movie is gone). Without ffmpeg the build still succeeds, with a warning and
 * the install hint: nothing but the layback needs ffmpeg.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedLayback } from '../compiler/model.ts';
import { checkFfmpeg, layback, LaybackError } from './layback.ts';

export type LaybackOutcome =
  | { kind: 'written' | 'up to date'; out: string; detail: string }
  | { kind: 'skipped'; message: string; hint?: string }
  | { kind: 'failed'; message: string; hint?: string };

interface Stamp {
  version: 2;
  video: string;
  audio: string;
  /** the movie written: size, mtime and inode, so a movie rewritten since (by `postaudio layback`, by hand) is redone */
  movie: string;
}

const identity = (file: string) => {
  const st = fs.statSync(file);
  return `${st.size}:${st.mtimeMs}:${st.ino}`;
};

export async function laybackAfterBuild(lb: ResolvedLayback, o: { outDir: string; cacheDir: string; audioFile: string; audioSha256: string }): Promise<LaybackOutcome> {
  const out = path.join(o.outDir, lb.file);
  const stampFile = path.join(o.cacheDir, 'layback.json');
  const want = { version: 2, video: lb.sha256, audio: o.audioSha256 } as const;
  try {
    const old = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as Stamp;
    if (old.version === 2 && old.video === want.video && old.audio === want.audio && identity(out) === old.movie) {
      return { kind: 'up to date', out, detail: `${lb.deliverable} on ${lb.videoRel}` };
    }
  } catch {
    // no stamp, or no movie yet: write it
  }
  try {
    await checkFfmpeg();
  } catch (err) {
    if (err instanceof LaybackError) return { kind: 'skipped', message: `layback skipped: ${err.message}`, hint: err.hint };
    throw err;
  }
  try {
    const r = await layback({ video: lb.video, audio: o.audioFile, out });
    const stamp: Stamp = { ...want, movie: identity(out) };
    fs.mkdirSync(o.cacheDir, { recursive: true });
    const tmp = `${stampFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(stamp)}\n`);
    fs.renameSync(tmp, stampFile);
    return { kind: 'written', out, detail: `${lb.deliverable} (${r.channels} ch, ${r.sampleRate} Hz, ${r.audioCodec}) on ${lb.videoRel}, video copied` };
  } catch (err) {
    if (err instanceof LaybackError) return { kind: 'failed', message: err.message, hint: err.hint };
    throw err;
  }
}
