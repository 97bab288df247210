// Golden renderings of diagnostics (STYLE.md #7: one whole printed message per output format).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, type Diagnostic } from '../../src/compiler/index.ts';
import { ANSI, formatDiagnostic, formatGithub } from '../../src/ui/format-diagnostic.ts';
import { projectFactory, wav, yaml } from '../helpers/project.ts';

const makeProject = projectFactory();

const PROJECT = yaml`
  postaudio: 1
  project:
    title: Test
    sample_rate: 48000
    frame_rate: 24
    start: "01:00:00:00"
  sources:
    tone: tone.wav
  buses:
    DX: { stem: dialogue }
  dialogue:
    - id: d001
      source: tone
      at: "01:00:01:00"
      bus: DX
      gian: -3 dB
  master: { layout: stereo, file: mix.wav }
`;

async function compiled() {
  const dir = makeProject({ 'postaudio.yaml': PROJECT, 'tone.wav': wav() });
  const r = await compile(join(dir, 'postaudio.yaml'));
  const text = (file: string) => r.loaded?.files.find((f) => f.rel === file)?.text;
  return { d: r.diagnostics[0], text };
}

describe('formatDiagnostic', () => {
  it('prints file:line:col, the code, a code frame with a caret under the range, and the hint', async () => {
    const { d, text } = await compiled();
    expect(formatDiagnostic(d, text)).toBe(
      [
        "postaudio.yaml:16:5: error PA103: unknown key 'gian' in dialogue[0]",
        '16 |     gian: -3 dB',
        '   |     ^^^^',
        "hint: did you mean 'gain'?",
      ].join('\n'),
    );
  });

  it('colours only when given colours', async () => {
    const { d, text } = await compiled();
    expect(formatDiagnostic(d, text, ANSI)).toBe(
      [
        "\u001b[1mpostaudio.yaml:16:5\u001b[22m: \u001b[31m\u001b[1merror PA103\u001b[22m\u001b[39m: unknown key 'gian' in dialogue[0]",
        "\u001b[2m16 |\u001b[22m     gian: -3 dB",
        '\u001b[2m   |\u001b[22m     \u001b[31m^^^^\u001b[39m',
        "\u001b[36mhint\u001b[39m: did you mean 'gain'?",
      ].join('\n'),
    );
  });

  it('prints a diagnostic without a file as one line', () => {
    const d: Diagnostic = { code: 'PA100', severity: 'error', message: 'file postaudio.yaml does not exist' };
    expect(formatDiagnostic(d, () => undefined)).toBe('error PA100: file postaudio.yaml does not exist');
  });

  it('keeps the caret on the first line of a range that spans lines', () => {
    const d: Diagnostic = { code: 'PA209', severity: 'error', message: 'no events', file: 'p.yaml', line: 1, col: 1, range: [0, 40], hint: 'add events' };
    expect(formatDiagnostic(d, () => 'postaudio: 1\nproject: {}\n')).toBe(
      ['p.yaml:1:1: error PA209: no events', '1 | postaudio: 1', '  | ^^^^^^^^^^^^', 'hint: add events'].join('\n'),
    );
  });
});

describe('formatGithub', () => {
  it('prints a workflow command with file, line and col, escaping its properties and data', async () => {
    const { d } = await compiled();
    expect(formatGithub(d)).toBe("::error file=postaudio.yaml,line=16,col=5,title=PA103::PA103: unknown key 'gian' in dialogue[0] (hint: did you mean 'gain'?)");
    const odd: Diagnostic = { code: 'PA101', severity: 'warning', message: '50% done,\nnext: line', file: 'a,b:c.yaml', line: 2, col: 3 };
    expect(formatGithub(odd)).toBe('::warning file=a%2Cb%3Ac.yaml,line=2,col=3,title=PA101::PA101: 50%25 done,%0Anext: line');
  });
});
