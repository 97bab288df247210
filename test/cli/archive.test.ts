// postaudio archive: a self-contained bundle (YAML, lock, sources, MANIFEST.json) that verifies
// anywhere; a changed byte or a lost file is named; bad input is a clear error and writes nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { PLAIN } from '../../src/ui/format-diagnostic.ts';
import { projectFactory, wav, yaml } from '../helpers/project.ts';
import { sha256File, tmpDir } from '../helpers/tmp-project.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(repo, 'bin/postaudio.mjs');
const makeRoot = projectFactory();

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), cwd, colors: PLAIN });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const PROJECT = yaml`
  postaudio: 1
  project:
    title: Archive test
    sample_rate: 48000
    frame_rate: 24
    start: "01:00:00:00"
    media_roots: [../shared]
  picture: { lock: ../shared/edl/cut-v1.edl }
  include: [reels/r1.yaml]
  sources:
    tone: tone.wav
  buses:
    DX: { stem: dialogue }
    FX: { stem: effects }
  dialogue:
    - { id: d1, source: tone, at: "01:00:01:00", bus: DX }
  master:
    layout: stereo
    file: mix.wav
`;
const REEL = '# effects from the shared library\nsources:\n  hit: ../../shared/sfx/hit.wav   # the library copy\nsfx:\n  - { id: fx1, source: hit, at: "01:00:00:12", bus: FX }\n';

const EDL = fs.readFileSync(path.join(repo, 'test/picture/fixtures/lighthouse-v1.edl'), 'utf8');

/** A project in film/ whose effect comes from a media root outside it (shared/), built and recorded. */
async function recordedProject(): Promise<{ root: string; film: string }> {
  const root = makeRoot({ 'film/postaudio.yaml': PROJECT, 'film/reels/r1.yaml': REEL, 'film/tone.wav': wav(), 'shared/sfx/hit.wav': wav({ frames: 24000 }), 'shared/edl/cut-v1.edl': EDL });
  const film = path.join(root, 'film');
  const b = await run(['build', '--jobs', '1', '--record'], film);
  expect(b.code, b.err).toBe(0);
  return { root, film };
}

function files(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).map((f) => f.split(path.sep).join('/')).sort();
}

describe('postaudio archive', () => {
  it('writes the YAML, lock, sources (outside ones under media/) and a manifest, and the bundle verifies elsewhere', async () => {
    const { root, film } = await recordedProject();
    const r = await run(['archive', '../bundle'], film);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("  source 'hit': ../shared/sfx/hit.wav → media/shared/sfx/hit.wav");
    expect(r.out).toContain('  picture lock: ../shared/edl/cut-v1.edl → picture/cut-v1.edl');
    expect(r.out).toMatch(/^archived postaudio\.yaml to \.\.\/bundle\/: 7 files, [\d.]+ MB, \d+ recorded outputs$/m);
    const bundle = path.join(root, 'bundle');
    expect(files(bundle)).toEqual(['MANIFEST.json', 'media/shared/sfx/hit.wav', 'picture/cut-v1.edl', 'postaudio.lock', 'postaudio.yaml', 'reels/r1.yaml', 'tone.wav']);
    // the YAML is the author's bytes, pointing at the copied media and picture lock, comments kept
    expect(fs.readFileSync(path.join(bundle, 'postaudio.yaml'), 'utf8')).toBe(PROJECT.replace('lock: ../shared/edl/cut-v1.edl', 'lock: "picture/cut-v1.edl"'));
    expect(fs.readFileSync(path.join(bundle, 'reels/r1.yaml'), 'utf8')).toBe(REEL.replace('../../shared/sfx/hit.wav', '"../media/shared/sfx/hit.wav"'));
    const lock = JSON.parse(fs.readFileSync(path.join(bundle, 'postaudio.lock'), 'utf8'));
    expect(lock.sources.hit.path).toBe('media/shared/sfx/hit.wav');
    expect(lock.picture).toEqual({ path: 'picture/cut-v1.edl', sha256: sha256File(path.join(root, 'shared/edl/cut-v1.edl')) });
    expect(lock.deliverables).toEqual(JSON.parse(fs.readFileSync(path.join(film, 'postaudio.lock'), 'utf8')).deliverables);
    const manifest = JSON.parse(fs.readFileSync(path.join(bundle, 'MANIFEST.json'), 'utf8'));
    expect(manifest.manifestVersion).toBe(1);
    expect(manifest.project).toBe('postaudio.yaml');
    expect(Object.keys(manifest.files)).toEqual(files(bundle).filter((f) => f !== 'MANIFEST.json'));
    for (const [f, m] of Object.entries(manifest.files as Record<string, { sha256: string }>)) expect(sha256File(path.join(bundle, f))).toBe(m.sha256);

    // unpacked elsewhere, with the original media gone: it still renders the recorded hashes
    const elsewhere = path.join(makeRoot({}), 'b');
    fs.cpSync(bundle, elsewhere, { recursive: true });
    fs.rmSync(path.join(root, 'shared'), { recursive: true });
    const v = await run(['verify', '--jobs', '1', elsewhere], '/');
    expect(v.code, v.err + v.out).toBe(0);
    expect(v.out).toMatch(/^verified: /m);
    expect(files(elsewhere)).toEqual(files(bundle)); // verify writes nothing into the bundle
  });

  it('a changed source byte fails verify and names the file and the source; a lost file is named too', async () => {
    const { root, film } = await recordedProject();
    expect((await run(['archive', '../bundle'], film)).code).toBe(0);
    const bundle = path.join(root, 'bundle');

    const changed = path.join(makeRoot({}), 'b');
    fs.cpSync(bundle, changed, { recursive: true });
    const tone = fs.readFileSync(path.join(changed, 'tone.wav'));
    tone[tone.length - 2] ^= 0x10;
    fs.writeFileSync(path.join(changed, 'tone.wav'), tone);
    const v = await run(['verify', '--jobs', '1', changed], '/');
    expect(v.code).toBe(1);
    expect(v.err).toContain('tone.wav: error PA708: tone.wav in the bundle has changed since it was archived (sha256 differs from MANIFEST.json)');
    expect(v.err).toMatch(/error PA701: source 'tone' \(tone\.wav\) no longer matches postaudio\.lock/);
    expect(v.out).toMatch(/DIFFERS +mix\.wav/);

    const lost = path.join(makeRoot({}), 'b');
    fs.cpSync(bundle, lost, { recursive: true });
    fs.rmSync(path.join(lost, 'media/shared/sfx/hit.wav'));
    const m = await run(['verify', '--jobs', '1', lost], '/');
    expect(m.code).toBe(1);
    expect(m.err).toContain('media/shared/sfx/hit.wav: error PA708: the bundle is missing media/shared/sfx/hit.wav (listed in MANIFEST.json)');
    expect(m.err).toContain("error PA300: source 'hit': file media/shared/sfx/hit.wav does not exist");
    expect(m.out.split('\n').pop()).toMatch(/^verify failed: .*postaudio\.yaml could not be rendered$/);
  });

  it('refuses, writing nothing: an existing folder, no lock, a lock the sources no longer match', async () => {
    const { root, film } = await recordedProject();
    fs.mkdirSync(path.join(root, 'taken'));
    fs.writeFileSync(path.join(root, 'taken/x'), '');
    const taken = await run(['archive', '../taken'], film);
    expect(taken.code).toBe(1);
    expect(taken.err).toContain('error PA709: ../taken already exists; archive writes a new folder');

    const tone = path.join(film, 'tone.wav');
    const b = fs.readFileSync(tone);
    b[b.length - 1] ^= 1;
    fs.writeFileSync(tone, b);
    const stale = await run(['archive', '../stale'], film);
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(/error PA701: source 'tone' \(tone\.wav\) no longer matches postaudio\.lock/);
    expect(fs.existsSync(path.join(root, 'stale'))).toBe(false);

    fs.rmSync(path.join(film, 'postaudio.lock'));
    const none = await run(['archive', '../none'], film);
    expect(none.code).toBe(1);
    expect(none.err).toContain('postaudio.lock: error PA704: archive needs postaudio.lock, and there is none');
    expect(fs.existsSync(path.join(root, 'none'))).toBe(false);
    expect(fs.readdirSync(root).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('needs the folder to write to (usage error)', async () => {
    const r = await run(['archive'], '/');
    expect(r.code).toBe(2);
  });
});

describe('the example film, archived', () => {
  it('build --record, archive, unpack elsewhere: verify in another process (other jobs, TZ, locale) gives the recorded hashes', () => {
    const dir = tmpDir('pa-example-archive-');
    const film = path.join(dir, 'film');
    fs.cpSync(path.join(repo, 'examples/film-project'), film, { recursive: true, filter: (src) => !/[\\/](out|\.postaudio)$/.test(src) });
    execFileSync(process.execPath, [bin, 'build', film, '--jobs', '2', '--record', '--reporter', 'json'], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync(process.execPath, [bin, 'archive', path.join(dir, 'bundle'), film], { encoding: 'utf8' });
    const unpacked = path.join(tmpDir('pa-example-unpacked-'), 'lighthouse');
    fs.cpSync(path.join(dir, 'bundle'), unpacked, { recursive: true });
    fs.rmSync(dir, { recursive: true, force: true });
    const v = spawnSync(process.execPath, [bin, 'verify', '.', '--jobs', '1', '--json'], {
      cwd: unpacked,
      encoding: 'utf8',
      env: { ...process.env, TZ: 'Pacific/Chatham', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' },
    });
    const lock = JSON.parse(fs.readFileSync(path.join(unpacked, 'postaudio.lock'), 'utf8')) as { picture: { path: string; sha256: string } | null };
    expect(lock.picture).not.toBeNull(); // the example conforms to a picture lock: it travels with the bundle
    expect(sha256File(path.join(unpacked, lock.picture!.path))).toBe(lock.picture!.sha256);
    const report = JSON.parse(v.stdout) as { ok: boolean; deliverables: { file: string; status: string }[] };
    expect(report.deliverables.filter((d) => d.status !== 'ok')).toEqual([]);
    expect(report.deliverables.map((d) => d.file)).toEqual(expect.arrayContaining(['lighthouse-51.wav', 'lighthouse-stereo.wav']));
    expect(report.ok).toBe(true);
    expect(v.status).toBe(0);
    fs.rmSync(path.dirname(unpacked), { recursive: true, force: true });
  }, 300_000); // two full renders of the example in child processes
});
