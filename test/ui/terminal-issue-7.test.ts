/**
 * Issue 7 under a real pseudo-terminal (util-linux `script`): `build --watch` starts the Ink UI,
 * builds, rebuilds on a change, and quits on `q`. We read the terminal's last screen.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tmpDir, writeFiles, writeWav } from '../helpers/tmp-project.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') ?? false;

// eslint-disable-next-line no-control-regex
const strip = (s: string) => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
/** Ink redraws by erasing the previous frame and writing the next after `ESC[2K ESC[G`. */
const lastScreen = (transcript: string) => strip(transcript.split('\u001b[2K\u001b[G').at(-1) ?? '');
/** A frame may arrive in pieces: it is whole once its last line (the keys) is there. */
const whole = (screen: string) => /(^|\n)q quit · [^\n]*$/.test(screen.trimEnd());

function project(gain: string): string {
  return `postaudio: 1
project: { title: Watch test, sample_rate: 48000, frame_rate: 25, start: "10:00:00:00" }
sources:
  tone: media/tone.wav
buses:
  DX: { stem: dialogue }
dialogue:
  - { id: a, source: tone, at: "10:00:00:00", bus: DX, gain: ${gain} }
master: { layout: mono, file: mix.wav, bits: 32f }
`;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function makeProject(): string {
  const dir = tmpDir('pa-pty-');
  dirs.push(dir);
  writeFiles(dir, { 'postaudio.yaml': project('-6 dB') });
  writeWav(path.join(dir, 'media/tone.wav'), { frames: 24000 }, (i) => 0.1 * Math.sin(i / 10));
  return dir;
}

/** Runs `command` in a 100×40 pseudo-terminal; returns its transcript so far, a way to type, and its exit. */
function inPty(command: string, cwd: string) {
  // Ink draws only the last frame when it believes it runs in CI (CI=true), as our CI sets: a person
  // at a terminal is what this test stands for, so the child runs without the CI variables.
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '' };
  for (const k of ['CI', 'CONTINUOUS_INTEGRATION', 'BUILD_NUMBER', 'RUN_ID', 'GITHUB_ACTIONS']) delete env[k];
  const child = spawn('script', ['-qfec', `stty cols 100 rows 40; ${command}`, '/dev/null'], { cwd, env });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exit = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return {
    transcript: () => out,
    type: (s: string) => child.stdin.write(s),
    exit,
    kill: () => child.kill('SIGKILL'),
    until: async (what: string, pred: (screen: string) => boolean, ms = 60_000) => {
      const t0 = Date.now();
      while (!(whole(lastScreen(out)) && pred(lastScreen(out)))) {
        if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; screen:\n${lastScreen(out)}\n---\n${strip(out).slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return lastScreen(out);
    },
  };
}

async function watchSession(command: string, dir: string): Promise<void> {
  const t = inPty(command, dir);
  try {
    const first = await t.until('the first build', (s) => s.includes('build 1 · done (initial build)'));
    expect(first).toContain('postaudio · Watch test');
    expect(first).toMatch(/done: \d+ rendered, 0 cached, 0 failed/);
    expect(first).toContain('q quit · r rebuild');
    expect(fs.existsSync(path.join(dir, 'out/mix.wav'))).toBe(true);

    writeFiles(dir, { 'postaudio.yaml': project('-3 dB') });
    const second = await t.until('the rebuild', (s) => s.includes('build 2 · done (postaudio.yaml changed)'));
    expect(second).toMatch(/last build ok in [\d.]+ s, .* \(postaudio\.yaml changed\)/);

    t.type('q');
    expect(await t.exit).toBe(0);
  } finally {
    t.kill();
  }
}

describe.skipIf(!hasScript)('issue 7: build --watch in a real terminal', () => {
  // Needs `--watch` wired into src/cli/main.ts (and no default for --reporter); enable then.
  it('the CLI: shows the title and a finished build, rebuilds on a change, q quits', async () => {
    const dir = makeProject();
    await watchSession(`node ${JSON.stringify(path.join(repo, 'bin/postaudio.mjs'))} build --watch ${JSON.stringify(dir)}`, dir);
  });

  it('watchCommand on a TTY (the same session without the commander wiring)', async () => {
    const dir = makeProject();
    const harness = path.join(dir, 'watch-harness.mjs');
    fs.writeFileSync(
      harness,
      `import { pathToFileURL } from 'node:url';
const { watchCommand } = await import(pathToFileURL(${JSON.stringify(path.join(repo, 'src/cli/commands/watch.ts'))}).href);
const { defaultIo } = await import(pathToFileURL(${JSON.stringify(path.join(repo, 'src/cli/context.ts'))}).href);
process.exitCode = await watchCommand(defaultIo(undefined), process.argv[2], {});
`,
    );
    const tsx = pathToFileURL(path.join(repo, 'node_modules/tsx/dist/loader.mjs')).href; // what `--import tsx` loads
    await watchSession(`node --import ${JSON.stringify(tsx)} ${JSON.stringify(harness)} ${JSON.stringify(dir)}`, dir);
  });
});
