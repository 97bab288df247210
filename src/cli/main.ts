/** `postaudio` command line. Exit codes: 0 ok, 1 project errors, 2 usage errors. */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { UsageError } from '../compiler/diagnostics.ts';
import { buildCommand, planCommand, validateCommand } from './commands.ts';
import { cuesheetCommand } from './commands/cuesheet.ts';
import { measureCommand } from './commands/measure.ts';
import { watchCommand } from './commands/watch.ts';
import { conformCommand } from './commands/conform.ts';
import { laybackCommand } from './commands/layback.ts';
import { archiveCommand } from './commands/archive.ts';
import { diffCommand } from './commands/diff.ts';
import { fmtCommand } from './commands/fmt.ts';
import { lockCommand } from './commands/lock.ts';
import { verifyCommand } from './commands/verify.ts';
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
    .option('--reporter <name>', 'plain or json (NDJSON events, the summary last); default: plain, or the live UI with --watch on a terminal')
    .option('-v, --verbose', 'also list cached and inline nodes')
    .option('--allow-qc-fail', 'report deliverables outside their target as warnings instead of failing the build')
    .option('--frozen', 'fail when a source or the picture lock does not match postaudio.lock (CI, archives)')
    .option('--record', 'record every output\'s sha256 (and the sources) in postaudio.lock, for verify')
    .option('-w, --watch', 'keep watching the project, its includes, sources and picture lock; rebuild on every change')
    .option('--no-ui', 'with --watch: print plain lines instead of the terminal UI')
    .action(async (project: string, opts) => {
      if (opts.watch) {
        code = await watchCommand(io(color()), project, opts);
        return;
      }
      code = await buildCommand(io(color()), project, opts);
    });

  program
    .command('cuesheet')
    .description('write the music cue sheet (CSV and Markdown): cue, title, composers, publishers, PRO, usage, timecode in/out, duration')
    .argument('[project]', 'project folder or project YAML file', '.')
    .option('-o, --out <dir>', 'output folder (default: out/ beside the project file)')
    .action(async (project: string, opts) => {
      code = await cuesheetCommand(io(color()), project, opts);
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
  program
    .command('conform')
    .description('what a picture change does to the soundtrack: per event, old and new position, shift, trimmed or dropped, and why')
    .argument('[project]', 'project folder or project YAML file', '.')
    .requiredOption('--from <old>', 'the old picture lock (.edl or .otio)')
    .requiredOption('--to <new>', 'the new picture lock (.edl or .otio)')
    .option('--json', 'print the change list as JSON (default: Markdown, for a pull request)')
    .option('--write', 'move timecode events to where their picture went and set picture.lock to NEW, keeping comments and formatting')
    .option('--cache-dir <dir>', 'cache folder (default: .postaudio beside the project file)')
    .action(async (project: string, opts) => {
      code = await conformCommand(io(color()), project, opts);
    });
  program
    .command('layback')
    .description('build, then mux the stereo (or 5.1) mix onto a picture reference with ffmpeg, copying the video untouched')
    .argument('[project]', 'project folder or project YAML file', '.')
    .option('--video <file>', 'the picture reference (e.g. ref.mov; default: master.layback.video)')
    .option('--deliverable <name>', 'the deliverable to lay back (default: the first stereo one, else the first 5.1)')
    .option('--out <file.mov>', 'the movie to write (default: out/<video>.<deliverable>.mov)')
    .option('-j, --jobs <n>', 'render up to n nodes at once (default: number of cores)')
    .option('--cache-dir <dir>', 'cache folder (default: .postaudio beside the project file)')
    .action(async (project: string, opts) => {
      code = await laybackCommand(io(color()), project, opts);
    });

  program
    .command('fmt')
    .description('rewrite the project YAML in canonical form (key order, units, timecodes), keeping comments')
    .argument('[project]', 'project folder or project YAML file', '.')
    .option('--check', 'change nothing; exit 1 and name the first difference of every file not in canonical form (CI)')
    .option('--format <format>', 'text or github (GitHub Actions annotations, with --check)', 'text')
    .action(async (project: string, opts) => {
      code = await fmtCommand(io(color()), project, opts);
    });
  program
    .command('diff')
    .description('what changed in the soundtrack between two revisions (default HEAD and the working tree) or two project folders')
    .argument('[sides...]', 'REV_A [REV_B] (git revisions) or two project paths')
    .option('--project <path>', 'the project inside the repository, for revisions', '.')
    .option('--json', 'print the diff as JSON (for bots)')
    .option('--audio', 'also render both sides and compare loudness, peaks and where the mixes differ (null test)')
    .option('-j, --jobs <n>', 'render up to n nodes at once with --audio (default: number of cores)')
    .option('--cache-dir <dir>', 'cache for --audio (default: .postaudio beside the project file)')
    .action(async (sides: string[], opts) => {
      code = await diffCommand(io(color()), sides, opts);
    });
  program
    .command('lock')
    .description('pin every source and the picture lock (path, size, sha256) in postaudio.lock')
    .argument('[project]', 'project folder or project YAML file', '.')
    .option('--check', 'change nothing; exit 1 when postaudio.lock is missing or out of date')
    .option('--cache-dir <dir>', 'cache folder (default: .postaudio beside the project file)')
    .action(async (project: string, opts) => {
      code = await lockCommand(io(color()), project, opts);
    });
  program
    .command('verify')
    .description('render from nothing in a scratch folder and compare every output with the sha256 recorded in postaudio.lock')
    .argument('[project]', 'project folder, bundle folder or project YAML file', '.')
    .option('-j, --jobs <n>', 'render up to n nodes at once (default: number of cores)')
    .option('--json', 'print the result as JSON')
    .action(async (project: string, opts) => {
      code = await verifyCommand(io(color()), project, opts);
    });
  program
    .command('archive')
    .description('write a self-contained bundle folder: YAML, postaudio.lock, sources, picture lock and MANIFEST.json')
    .argument('<out>', 'the bundle folder to create (must not exist, or be empty)')
    .argument('[project]', 'project folder or project YAML file', '.')
    .action(async (out: string, project: string) => {
      code = await archiveCommand(io(color()), out, project);
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
