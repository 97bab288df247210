// postaudio lock, build's lock check (warning, --frozen error), build --record, and verify:
// in-process main() with an io override; every error is clear and exits 1.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { PLAIN } from '../../src/ui/format-diagnostic.ts';
import { VALID_YAML, projectFactory, wav } from '../helpers/project.ts';
import { sha256File } from '../helpers/tmp-project.ts';

const makeProject = projectFactory();

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), cwd, colors: PLAIN });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Flips one bit of the last sample: still a valid WAV, different content. */
function touchSource(file: string): void {
  const b = fs.readFileSync(file);
  b[b.length - 1] ^= 1;
  fs.writeFileSync(file, b);
}

const readLockJson = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'postaudio.lock'), 'utf8'));

describe('postaudio lock', () => {
  it('writes the lock, then finds it up to date; --check fails once a source changed', async () => {
    const dir = makeProject({ 'postaudio.yaml': VALID_YAML, 'tone.wav': wav() });
    const first = await run(['lock'], dir);
    expect(first).toEqual({ code: 0, out: 'wrote postaudio.lock: 1 source, picture none', err: '' });
    const lock = readLockJson(dir);
    expect(lock).toEqual({
      deliverables: {},
      engine: expect.any(String),
      format: 1,
      lockVersion: 1,
      picture: null,
      sources: { tone: { path: 'tone.wav', sha256: sha256File(path.join(dir, 'tone.wav')), size: fs.statSync(path.join(dir, 'tone.wav')).size } },
    });
    expect(await run(['lock'], dir)).toEqual({ code: 0, out: 'postaudio.lock is up to date (1 sources)', err: '' });
    expect((await run(['lock', '--check'], dir)).code).toBe(0);

    touchSource(path.join(dir, 'tone.wav'));
    expect(await run(['lock', '--check'], dir)).toEqual({ code: 1, out: 'postaudio.lock is out of date: run postaudio lock', err: '' });
    expect(readLockJson(dir)).toEqual(lock); // --check changes nothing
    expect((await run(['lock'], dir)).out).toBe('wrote postaudio.lock: 1 source (1 changed), picture none');
  });

  it('says so when the project has errors, and writes nothing', async () => {
    const dir = makeProject({ 'postaudio.yaml': VALID_YAML });
    const r = await run(['lock'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error PA300: source 'tone': file tone\.wav does not exist/);
    expect(fs.existsSync(path.join(dir, 'postaudio.lock'))).toBe(false);
  });
});

describe('build and the lock', () => {
  it('warns (PA701, at the source) when a source no longer matches, and --frozen makes it an error', async () => {
    const dir = makeProject({ 'postaudio.yaml': VALID_YAML, 'tone.wav': wav() });
    expect((await run(['lock'], dir)).code).toBe(0);
    touchSource(path.join(dir, 'tone.wav'));

    const warned = await run(['build', '--jobs', '1'], dir);
    expect(warned.code).toBe(0);
    expect(warned.err).toMatch(/^postaudio\.yaml:8:9: warning PA701: source 'tone' \(tone\.wav\) no longer matches postaudio\.lock: sha256 [0-9a-f]{12}… → [0-9a-f]{12}…\n8 \|   tone: tone\.wav\n  \|         \^{8}\n/);
    expect(warned.err).toContain('hint: run `postaudio lock` to accept the new media, or restore the file');

    fs.rmSync(path.join(dir, 'out'), { recursive: true, force: true });
    const frozen = await run(['build', '--jobs', '1', '--frozen'], dir);
    expect(frozen.code).toBe(1);
    expect(frozen.err).toMatch(/error PA701: source 'tone'/);
    expect(fs.existsSync(path.join(dir, 'out/mix.wav'))).toBe(false);
  });

  it('--frozen without a lock is an error; without --frozen nothing is said', async () => {
    const dir = makeProject({ 'postaudio.yaml': VALID_YAML, 'tone.wav': wav() });
    const frozen = await run(['build', '--jobs', '1', '--frozen'], dir);
    expect(frozen.code).toBe(1);
    expect(frozen.err).toContain('postaudio.lock: error PA704: --frozen needs postaudio.lock, and there is none');
    const plain = await run(['build', '--jobs', '1'], dir);
    expect(plain.code).toBe(0);
    expect(plain.err).not.toContain('PA70');
  });

  it('a damaged lock is a warning for build, an error with --frozen', async () => {
    const dir = makeProject({ 'postaudio.yaml': VALID_YAML, 'tone.wav': wav(), 'postaudio.lock': '{ not json' });
    const plain = await run(['build', '--jobs', '1'], dir);
    expect(plain.code).toBe(0);
    expect(plain.err).toMatch(/postaudio\.lock: warning PA705: postaudio\.lock is damaged: not valid JSON/);
    const frozen = await run(['build', '--jobs', '1', '--frozen'], dir);
    expect(frozen.code).toBe(1);
    expect(frozen.err).toMatch(/postaudio\.lock: error PA705/);
  });

  it('--record writes the sources and every output sha256 into the lock', async () => {
    const dir = makeProject({ 'postaudio.yaml': VALID_YAML, 'tone.wav': wav() });
    const r = await run(['build', '--jobs', '1', '--record'], dir);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').pop()).toMatch(/^recorded \d+ outputs and 1 source in postaudio\.lock$/);
    const lock = readLockJson(dir);
    expect(lock.deliverables['mix.wav']).toBe(sha256File(path.join(dir, 'out/mix.wav')));
    for (const [file, sha] of Object.entries(lock.deliverables)) expect(sha256File(path.join(dir, 'out', file))).toBe(sha);
    expect(lock.sources.tone.sha256).toBe(sha256File(path.join(dir, 'tone.wav')));
    // a frozen build of the same project now passes
    expect((await run(['build', '--jobs', '1', '--frozen'], dir)).code).toBe(0);
  });
});

describe('postaudio verify', () => {
  it('renders in a scratch folder, matches every recorded hash, and writes nothing in the project', async () => {
    const dir = makeProject({ 'postaudio.yaml': VALID_YAML, 'tone.wav': wav() });
    expect((await run(['build', '--jobs', '1', '--record', '--out', '../elsewhere'], dir)).code).toBe(0);
    const before = fs.readdirSync(dir).sort();
    const r = await run(['verify', '--jobs', '1'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {2}ok {9}mix\.wav/m);
    expect(r.out.split('\n').pop()).toMatch(/^verified: postaudio\.yaml renders all \d+ recorded outputs bit for bit \(engine .+\)$/);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it('fails when a source changed, naming the source and each output that differs', async () => {
    const dir = makeProject({ 'postaudio.yaml': VALID_YAML, 'tone.wav': wav() });
    expect((await run(['build', '--jobs', '1', '--record'], dir)).code).toBe(0);
    touchSource(path.join(dir, 'tone.wav'));
    const r = await run(['verify', '--jobs', '1'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error PA701: source 'tone' \(tone\.wav\) no longer matches postaudio\.lock/);
    expect(r.out).toMatch(/^ {2}DIFFERS {4}mix\.wav +recorded [0-9a-f]{12}…, rendered [0-9a-f]{12}…$/m);
    expect(r.out.split('\n').pop()).toMatch(/^verify failed: \d+ of \d+ recorded outputs differ$/);

    const json = await run(['verify', '--jobs', '1', '--json'], dir);
    expect(json.code).toBe(1);
    const j = JSON.parse(json.out);
    expect(j.ok).toBe(false);
    expect(j.deliverables.find((d: { file: string }) => d.file === 'mix.wav').status).toBe('differs');
  });

  it('a missing, damaged, newer or empty lock: a clear error, exit 1', async () => {
    const dir = makeProject({ 'postaudio.yaml': VALID_YAML, 'tone.wav': wav() });
    const none = await run(['verify'], dir);
    expect(none.code).toBe(1);
    expect(none.err).toContain('postaudio.lock: error PA704: there is no postaudio.lock to verify against');

    fs.writeFileSync(path.join(dir, 'postaudio.lock'), '{"lockVersion": 1, "format": 1, "engine": "0.1.0", "sources": {');
    const damaged = await run(['verify'], dir);
    expect(damaged.code).toBe(1);
    expect(damaged.err).toContain('postaudio.lock: error PA705: postaudio.lock is damaged: not valid JSON');

    fs.writeFileSync(path.join(dir, 'postaudio.lock'), '{"lockVersion": 7}');
    const newer = await run(['verify'], dir);
    expect(newer.code).toBe(1);
    expect(newer.err).toContain('error PA705: postaudio.lock has lockVersion 7, written by a newer postaudio (this one reads lockVersion 1)');
    expect(newer.err).toContain('hint: upgrade postaudio to build or verify this project');

    expect((await run(['lock'], dir)).out).toContain('(replacing a damaged lock)');
    const empty = await run(['verify'], dir);
    expect(empty.code).toBe(1);
    expect(empty.err).toContain('error PA704: postaudio.lock records no deliverables: nothing to verify');
  });
});
