// `postaudio validate`: exit codes (0 ok, 1 project errors, 2 usage), where diagnostics go, and
// the json and github formats. main() runs in-process with an io override; one real process
// proves a broken project prints diagnostics, not a stack trace.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { PLAIN } from '../../src/ui/format-diagnostic.ts';
import { VALID_YAML, projectFactory, wav } from '../helpers/project.ts';

const makeProject = projectFactory();

async function validate(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['validate', ...args], { out: (s) => out.push(s), err: (s) => err.push(s), cwd, colors: PLAIN });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** VALID_YAML with an unknown key (line 12). */
const BROKEN = VALID_YAML.replace(
  '  - { id: d001, source: tone, at: "01:00:01:00", bus: DX }\n',
  '  - { id: d001, source: tone, at: "01:00:01:00", bus: DX, gian: 1 dB }\n',
);
/** VALID_YAML with an unknown bus (line 13) and an unknown source (line 14). */
const BROKEN_REFS = VALID_YAML.replace(
  '  - { id: d001, source: tone, at: "01:00:01:00", bus: DX }\n',
  '  - { id: d001, source: tone, at: "01:00:01:00", bus: DX }\n  - { id: d002, source: tone, at: "01:00:02:00", bus: FX }\n  - { id: d003, source: tonne, at: "01:00:02:00", bus: DX }\n',
);

describe('postaudio validate', () => {
  it('exits 0 for a valid project and says so on stdout', async () => {
    const dir = makeProject({ 'postaudio.yaml': VALID_YAML, 'tone.wav': wav() });
    const r = await validate(['.'], dir);
    expect(r).toEqual({ code: 0, out: 'ok: postaudio.yaml is valid (1 events, 7 render nodes)', err: '' });
  });

  it('exits 1 for project errors, with every diagnostic and a count on stderr', async () => {
    const dir = makeProject({ 'postaudio.yaml': BROKEN_REFS, 'tone.wav': wav() });
    const r = await validate([dir], '/');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      [
        "postaudio.yaml:13:55: error PA203: event 'd002': unknown bus 'FX'",
        '13 |   - { id: d002, source: tone, at: "01:00:02:00", bus: FX }',
        '   |                                                       ^^',
        "hint: did you mean 'DX'?",
        "postaudio.yaml:14:25: error PA202: event 'd003': unknown source 'tonne'",
        '14 |   - { id: d003, source: tonne, at: "01:00:02:00", bus: DX }',
        '   |                         ^^^^^',
        "hint: did you mean 'tone'?",
        '2 errors',
      ].join('\n'),
    );
  });

  it('--format json prints one JSON document on stdout', async () => {
    const dir = makeProject({ 'postaudio.yaml': BROKEN, 'tone.wav': wav() });
    const r = await validate([dir, '--format', 'json'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual({
      ok: false,
      diagnostics: [
        {
          code: 'PA103',
          severity: 'error',
          message: "unknown key 'gian' in dialogue[0]",
          hint: "did you mean 'gain'?",
          file: 'postaudio.yaml',
          range: [223, 227],
          line: 12,
          col: 59,
        },
      ],
    });
    expect(BROKEN.slice(223, 227)).toBe('gian');
  });

  it('--format json on a valid project', async () => {
    const dir = makeProject({ 'postaudio.yaml': VALID_YAML, 'tone.wav': wav() });
    const r = await validate([dir, '--format', 'json'], dir);
    expect(r).toEqual({ code: 0, out: '{"ok":true,"diagnostics":[]}', err: '' });
  });

  it('--format github prints workflow commands on stdout', async () => {
    const dir = makeProject({ 'postaudio.yaml': BROKEN_REFS, 'tone.wav': wav() });
    const r = await validate([dir, '--format', 'github'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    expect(r.out.split('\n')).toEqual([
      "::error file=postaudio.yaml,line=13,col=55,title=PA203::PA203: event 'd002': unknown bus 'FX' (hint: did you mean 'DX'?)",
      "::error file=postaudio.yaml,line=14,col=25,title=PA202::PA202: event 'd003': unknown source 'tonne' (hint: did you mean 'tone'?)",
    ]);
  });

  it('exits 2 for usage errors: a path that does not exist, a folder without a project, an unknown flag or format', async () => {
    const dir = makeProject({ 'postaudio.yaml': VALID_YAML, 'tone.wav': wav(), 'empty/keep': '' });
    const missing = await validate(['nope'], dir);
    expect(missing).toEqual({ code: 2, out: '', err: 'postaudio: no project at nope: the path does not exist' });
    const empty = await validate(['empty'], dir);
    expect(empty).toEqual({ code: 2, out: '', err: 'postaudio: no postaudio.yaml in empty' });
    const flag = await validate(['.', '--bogus'], dir);
    expect(flag.code).toBe(2);
    expect(flag.err).toMatch(/^error: unknown option '--bogus'/);
    const format = await validate(['.', '--format', 'xml'], dir);
    expect(format).toEqual({ code: 2, out: '', err: 'postaudio: --format must be text, json or github (got xml)' });
  });

  it('a real process prints diagnostics, not a stack trace, for a project that used to crash the compiler', async () => {
    const dir = makeProject({ 'postaudio.yaml': 'postaudio: 1\n' });
    const bin = fileURLToPath(new URL('../../bin/postaudio.mjs', import.meta.url));
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [bin, 'validate', join(dir, 'postaudio.yaml'), '--no-color'], { env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
      );
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        "postaudio.yaml:1:1: error PA104: the project is missing 'master'",
        '1 | postaudio: 1',
        '  | ^^^^^^^^^^^^',
        'hint: The master mix: its layout, loudness targets and the deliverables made from it.',
        "postaudio.yaml:1:1: error PA104: the project is missing 'project'",
        '1 | postaudio: 1',
        '  | ^^^^^^^^^^^^',
        'hint: What the project is and its timeline settings.',
        '2 errors',
        '',
      ].join('\n'),
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain('internal error');
  });
});
