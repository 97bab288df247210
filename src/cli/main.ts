/** `postaudio` command line. Exit codes: 0 ok, 1 project errors, 2 usage errors. */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { UsageError } from '../compiler/diagnostics.ts';
import { buildCommand, planCommand, validateCommand } from './commands.ts';
import { measureCommand } from './commands/measure.ts';
import { EXIT_PROJECT, EXIT_USAGE, defaultIo, type Io } from './context.ts';

const require = createRequire(import.meta.url);
const pkg = require('../../package.json') as { version: string };

export async function main(argv: string[], ioOverride?: Partial<Io>): Promise<number> {
  let code = 0;
  const io = (color?: boolean): Io => ({ ...defaultIo(color), ...ioOverride });
  const program = new Command();
  program
    .name('postaudio')
    .description('Film and TV soundtracks as code: validate, plan and build a project described in YAML.')
    .version(pkg.version, '-V, --version')
    .option('--no-color', 'never colour the output (colour is used only on a terminal, and never with NO_COLOR)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => (ioOverride?.out ? ioOverride.out(s.trimEnd()) : process.stdout.write(s)),
      writeErr: (s) => (ioOverride?.err ? ioOverride.err(s.trimEnd()) : process.stderr.write(s)),
    })
    .showHelpAfterError();

  const color = () => program.opts().color as boolean | undefined;
  program
    .command('validate')
    .description('check the project (YAML syntax, schema, references, media) and report every problem')
    .argument('[project]', 'project folder (holding postaudio.yaml) or project YAML file', '.')
    .option('--format <format>', 'text, json or github (GitHub Actions annotations)', 'text')
    .action(async (project: string, opts) => {
      code = await validateCommand(io(color()), project, opts);
    });
  program
    .command('plan')
    .description('show the render graph: each node, whether it will render, and why')
    .argument('[project]', 'project folder or project YAML file', '.')
    .option('--json', 'print the plan as JSON')
    .option('--cache-dir <dir>', 'cache folder (default: .postaudio beside the project file)')
    .action(async (project: string, opts) => {
      code = await planCommand(io(color()), project, opts);
    });
  program
    .command('build')
    .description('render the deliverables, re-rendering only what changed')
    .argument('[project]', 'project folder or project YAML file', '.')
    .option('-o, --out <dir>', 'output folder (default: out/ beside the project file)')
    .option('--cache-dir <dir>', 'cache folder (default: .postaudio beside the project file)')
    .option('-j, --jobs <n>', 'render up to n nodes at once (default: number of cores)')
    .option('--reporter <name>', 'plain or json (NDJSON events, the summary last)', 'plain')
    .option('-v, --verbose', 'also list cached and inline nodes')
    .option('--allow-qc-fail', 'report deliverables outside their target as warnings instead of failing the build')
    .action(async (project: string, opts) => {
      code = await buildCommand(io(color()), project, opts);
    });

  program
    .command('measure')
    .description('measure WAV files: integrated loudness, loudness range, momentary/short-term maxima, true and sample peaks')
    .argument('<files...>', 'WAV/BWF files')
    .option('--json', 'one JSON object per file')
    .option('--plot <file.svg>', 'draw loudness over time as SVG (a folder when measuring several files)')
    .action(async (files: string[], opts) => {
      code = await measureCommand(io(color()), files, opts);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      (ioOverride?.err ?? ((s: string) => process.stderr.write(`${s}\n`)))(`postaudio: ${err.message}`);
      return EXIT_USAGE;
    }
    // An unexpected failure is a bug: one line, not a stack trace (POSTAUDIO_DEBUG=1 shows it).
    const msg = process.env.POSTAUDIO_DEBUG ? String((err as Error).stack) : (err as Error).message;
    (ioOverride?.err ?? ((s: string) => process.stderr.write(`${s}\n`)))(`postaudio: internal error: ${msg}`);
    return EXIT_PROJECT;
  }
}
