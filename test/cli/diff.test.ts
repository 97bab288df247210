// postaudio diff: git revisions (HEAD against the working tree by default) or two project
// folders; Markdown and JSON; --audio. The user's checkout is never touched, and bad input
// (an unknown revision, a project missing on one side, no repository) is a clear error, exit 1.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { PLAIN } from '../../src/ui/format-diagnostic.ts';
import { projectFactory, wav, writeFiles, yaml } from '../helpers/project.ts';

const makeRoot = projectFactory();

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s), cwd, colors: PLAIN });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const GIT_ENV = { GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com', GIT_CONFIG_NOSYSTEM: '1', HOME: '/nonexistent' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });

const PROJECT = yaml`
  postaudio: 1
  project: { title: Diff test, sample_rate: 48000, frame_rate: 24, start: "01:00:00:00" }
  sources:
    tone: tone.wav
    hit: hit.wav
  buses:
    DX: { stem: dialogue }
    FX: { stem: effects }
  dialogue:
    - { id: d1, source: tone, at: "01:00:01:00", bus: DX }
    - { id: d2, source: tone, at: "01:00:03:00", gain: -3 dB, bus: DX }
  sfx:
    - { id: fx1, source: hit, at: "01:00:02:00", bus: FX }
  master:
    layout: stereo
    file: mix.wav
`;

/** Everything git knows about the checkout: status (with ignored files), index, HEAD, worktrees. */
function checkoutState(repo: string): string {
  return [
    git(repo, 'status', '--porcelain=v2', '--branch', '--untracked-files=all', '--ignored'),
    fs.readFileSync(path.join(repo, '.git/index')).toString('base64'),
    git(repo, 'rev-parse', 'HEAD'),
    git(repo, 'worktree', 'list', '--porcelain'),
    git(repo, 'stash', 'list'),
  ].join('\n---\n');
}

describe('postaudio diff with git', () => {
  let repo: string;
  let film: string;
  beforeAll(() => {
    repo = makeRoot({ 'README.md': 'a film\n', '.gitignore': '.postaudio/\nout/\n' });
    film = path.join(repo, 'film');
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'before the project');
    writeFiles(film, { 'postaudio.yaml': PROJECT, 'tone.wav': wav(), 'hit.wav': wav({ frames: 24000 }) });
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'the project');
    fs.writeFileSync(path.join(film, 'postaudio.yaml'), PROJECT.replace('at: "01:00:01:00"', 'at: "01:00:01:12"'));
    git(repo, 'commit', '-q', '-am', 'move d1');
    // uncommitted work: a gain change and an untracked file
    fs.writeFileSync(path.join(film, 'postaudio.yaml'), PROJECT.replace('at: "01:00:01:00"', 'at: "01:00:01:12"').replace('gain: -3 dB', 'gain: -6 dB'));
    fs.writeFileSync(path.join(film, 'notes.txt'), 'untracked\n');
  });

  it('by default compares HEAD with the working tree, as Markdown, leaving the checkout as it was', async () => {
    const before = checkoutState(repo);
    const r = await run(['diff'], film);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const head = git(repo, 'rev-parse', '--short=7', 'HEAD').trim();
    expect(r.out.split('\n').slice(0, 6)).toEqual([
      `### postaudio diff: Diff test, \`HEAD (${head})\` → \`working tree\``,
      '',
      '#### Events (1 changed)',
      '',
      '- **d2** (dialogue): gain -3 dB → -6 dB',
      '',
    ]);
    expect(r.out).toContain('<details><summary>Re-renders');
    expect(checkoutState(repo)).toBe(before);
  });

  it('compares two revisions as JSON, from the repository root with --project', async () => {
    const before = checkoutState(repo);
    const r = await run(['diff', 'HEAD~1', 'HEAD', '--project', 'film', '--json'], repo);
    expect(r.code, r.err).toBe(0);
    const d = JSON.parse(r.out);
    expect(d.from).toMatch(/^HEAD~1 \([0-9a-f]{7}\)$/);
    expect(d.events.changed).toEqual([
      {
        id: 'd1',
        list: 'dialogue',
        kinds: ['moved'],
        move: { from: '01:00:01:00', to: '01:00:01:12', deltaSeconds: 0.5, deltaTimecode: '+00:00:00:12', deltaFrames: 12 },
        changes: [{ field: 'at', from: '01:00:01:00', to: '01:00:01:12' }],
      },
    ]);
    expect(d.invalidated.nodes).toContain('bus:DX');
    expect(checkoutState(repo)).toBe(before);
  });

  it('one revision is compared with the working tree', async () => {
    const r = await run(['diff', 'HEAD~1', '--json'], film);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).events.changed.map((e: { id: string; kinds: string[] }) => [e.id, e.kinds])).toEqual([
      ['d1', ['moved']],
      ['d2', ['gain']],
    ]);
  });

  it('an unknown revision, or a revision without the project: a clear error, exit 1, checkout unchanged', async () => {
    const before = checkoutState(repo);
    expect(await run(['diff', 'no-such-branch'], film)).toEqual({ code: 1, out: '', err: `postaudio: unknown revision 'no-such-branch': not a commit, branch or tag in ${fs.realpathSync(repo)}` });
    expect(await run(['diff', 'HEAD~2', 'HEAD'], film)).toEqual({ code: 1, out: '', err: 'postaudio: the project film/postaudio.yaml does not exist at revision HEAD~2' });
    expect(await run(['diff', '--', '--upload-pack=evil'], film)).toEqual({ code: 1, out: '', err: "postaudio: '--upload-pack=evil' is not a revision" });
    expect(checkoutState(repo)).toBe(before);
    expect(fs.existsSync(path.join(repo, '.git', 'worktrees'))).toBe(false);
  });

  it('a side with errors is reported with its diagnostics, exit 1', async () => {
    const broken = makeRoot({ 'postaudio.yaml': PROJECT.replace('bus: FX }', 'bus: FXX }'), 'tone.wav': wav(), 'hit.wav': wav({ frames: 24000 }) });
    const r = await run(['diff', film, broken], '/');
    expect(r.code).toBe(1);
    expect(r.err).toContain(': the project has errors, so it cannot be compared');
    expect(r.err).toContain("error PA203: event 'fx1': unknown bus 'FXX'");
  });

  it('--audio renders both sides and says where the mixes differ', async () => {
    const before = checkoutState(repo).replace(/^! .*\n/gm, '');
    const r = await run(['diff', 'HEAD~1', 'HEAD', '--audio', '--jobs', '1', '--json'], film);
    expect(r.code, r.err).toBe(0);
    const audio = JSON.parse(r.out).audio;
    expect(audio).toEqual([
      {
        file: 'mix.wav',
        status: 'compared',
        a: expect.any(Object),
        b: expect.any(Object),
        delta: { integrated: expect.any(Number), truePeak: expect.any(Number), lra: expect.any(Number) },
        thresholdDb: -60,
        windowMs: 100,
        ranges: [{ from: '01:00:01:00', to: '01:00:02:12', startSeconds: 1, endSeconds: 2.5, peakDb: expect.any(Number) }],
      },
    ]);
    // only ignored files (the cache) may appear
    expect(checkoutState(repo).replace(/^! .*\n/gm, '')).toBe(before);
    const md = await run(['diff', 'HEAD~1', 'HEAD', '--audio', '--jobs', '1'], film);
    expect(md.out).toMatch(/\| `mix\.wav` \| [−+±][\d.]+ LU \| [−+±][\d.]+ dB \| [−+±][\d.]+ LU \| 01:00:01:00–01:00:02:12 \|/);
  });
});

describe('postaudio diff of two folders', () => {
  it('needs no repository, and a folder without a project is a clear error', async () => {
    const a = makeRoot({ 'postaudio.yaml': PROJECT, 'tone.wav': wav(), 'hit.wav': wav({ frames: 24000 }) });
    const b = makeRoot({ 'postaudio.yaml': PROJECT.replace('sfx:\n  - { id: fx1, source: hit, at: "01:00:02:00", bus: FX }\n', ''), 'tone.wav': wav(), 'hit.wav': wav({ frames: 24000 }), 'empty/x': '' });
    const r = await run(['diff', a, b], '/');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('- **fx1** (sfx) removed (was `hit` at 01:00:02:00 on FX)');
    expect(r.out).toContain('- removed: `source:hit`, `clip:fx1`, `bus:FX`');

    expect(await run(['diff', a, path.join(b, 'empty')], '/')).toEqual({ code: 1, out: '', err: 'postaudio: no project: no postaudio.yaml in ' + path.join(b, 'empty') });
    // a folder outside any repository, asked for a revision
    expect((await run(['diff', 'HEAD'], a)).err).toMatch(/is not inside a git repository: give two project folders to compare instead of revisions$/);
    expect((await run(['diff', 'a', 'b', 'c'], a)).code).toBe(2);
  });
});
