/**
 * `postaudio build --watch`: the watch loop with the Ink UI on a terminal, or the plain / JSON
 * reporters (not a TTY, `--reporter plain|json`, `--no-ui`): the same builds either way.
 * One worker pool serves every build of the session and is closed on exit.
 */
import path from 'node:path';
import { render, type Instance } from 'ink';
import { createElement } from 'react';
import { UsageError } from '../../compiler/diagnostics.ts';
import { makeRunner } from '../../engine/build.ts';
import type { EngineEvent, EventSink } from '../../engine/events.ts';
import { App } from '../../ui/App.tsx';
import { formatDiagnostic } from '../../ui/format-diagnostic.ts';
import { jsonReporter } from '../../ui/json-reporter.ts';
import { plainReporter } from '../../ui/plain-reporter.ts';
import { chokidarFs } from '../../watch/chokidar-fs.ts';
import type { LoopEvent } from '../../watch/events.ts';
import { createFeed } from '../../watch/feed.ts';
import { WatchLoop } from '../../watch/loop.ts';
import { projectSteps } from '../../watch/project-steps.ts';
import { parseJobs, type BuildFlags } from '../commands.ts';
import { EXIT_OK, projectPaths, type Io } from '../context.ts';

export const EXIT_INTERRUPTED = 130;

export interface WatchFlags extends BuildFlags {
  /** false (`--no-ui`): plain lines even on a terminal. */
  ui?: boolean;
}

/**
 * Runs until `q` (UI), Ctrl-C / SIGTERM, or `stop` aborts (tests). Returns 0 after `q` or `stop`,
 * 130 after a signal. Project errors never end it.
 */
export async function watchCommand(io: Io, project: string | undefined, opts: WatchFlags, stop?: AbortSignal): Promise<number> {
  const jobs = parseJobs(opts.jobs);
  const reporter = opts.reporter;
  if (reporter !== undefined && !['plain', 'json', 'ink'].includes(reporter)) throw new UsageError(`--reporter must be plain or json (got ${reporter})`);
  const oneShot = opts as { frozen?: boolean; record?: boolean };
  if (oneShot.frozen || oneShot.record) throw new UsageError('--frozen and --record are for one-shot builds (CI, archives), not with --watch');
  const paths = projectPaths(project, opts, io.cwd);
  const tty = Boolean(process.stdout.isTTY && process.stdin.isTTY);
  const useInk = opts.ui !== false && tty && (reporter === undefined || reporter === 'ink');

  const runner = makeRunner(jobs, true);
  const feed = createFeed<LoopEvent>();
  const onEvent = useInk ? feed.emit : lineReporter(io, reporter === 'json' ? 'json' : 'plain', opts.verbose);
  const loop = new WatchLoop({ projectFile: paths.projectFile, fs: chokidarFs(), steps: projectSteps({ ...paths, jobs, runner, allowQcFail: opts.allowQcFail }), onEvent });

  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (finish = resolve));
  const onSignal = () => finish(EXIT_INTERRUPTED);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (stop?.aborted) finish(EXIT_OK);
  stop?.addEventListener('abort', () => finish(EXIT_OK), { once: true });

  let app: Instance | undefined;
  if (useInk) {
    const actions = { quit: () => finish(EXIT_OK), rebuild: () => loop.rebuild(), clearCache: () => loop.clearCache() };
    app = render(createElement(App, { feed, actions, colors: io.colors, cwd: io.cwd }), { exitOnCtrlC: false, maxFps: 10 });
  } else {
    io.err(io.colors.dim(`watching ${path.relative(io.cwd, paths.projectFile) || paths.projectFile} and everything it reads; Ctrl-C to stop`));
  }
  loop.start();
  try {
    return await done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await loop.close();
    await runner.close();
    if (app) {
      app.unmount();
      await app.waitUntilExit().catch(() => undefined);
    }
  }
}

/**
 * The loop's events as lines: the plain reporter (diagnostics with code frames on stderr, as
 * `build` prints them) or NDJSON (engine events, each compile's diagnostics as `diagnostic`
 * events and a failed summary when it does not compile, plus the loop's own events).
 */
export function lineReporter(io: Io, kind: 'plain' | 'json', verbose?: boolean): (e: LoopEvent) => void {
  const c = io.colors;
  let texts: Record<string, string> = {};
  const text = (f: string) => texts[f];
  const engine: EventSink =
    kind === 'json' ? jsonReporter(io.out) : plainReporter({ write: io.out, colors: c, cwd: io.cwd, text, verbose });
  const waiting = () => io.err(c.dim('waiting for changes…'));
  return (e) => {
    switch (e.type) {
      case 'watch-trigger':
        if (kind === 'json') io.out(JSON.stringify(e));
        else if (e.run > 1) io.out(c.cyan(`— ${e.trigger}`));
        return;
      case 'compile-done':
        texts = e.texts;
        if (kind === 'json') {
          for (const d of e.diagnostics) engine({ type: 'diagnostic', diagnostic: d });
          if (!e.ok) engine({ type: 'summary', ok: false, rendered: 0, cached: 0, failed: 0, outputs: [], seconds: 0 });
          return;
        }
        for (const d of e.diagnostics) io.err(formatDiagnostic(d, text, c));
        if (!e.ok) {
          const n = e.diagnostics.filter((d) => d.severity === 'error').length;
          io.err(c.red(`${n} error${n === 1 ? '' : 's'}: not built (the last good deliverables are untouched)`));
          waiting();
        }
        return;
      case 'build-cancelled':
      case 'cache-cleared':
        if (kind === 'json') io.out(JSON.stringify(e));
        else io.out(c.yellow(e.type === 'cache-cleared' ? 'cache cleared' : `cancelled: ${e.reason}`));
        return;
      case 'watch-error':
        if (kind === 'json') io.out(JSON.stringify(e));
        else io.err(`postaudio: ${e.message}`);
        return;
      default:
        engine(e as EngineEvent);
        if (e.type === 'summary' && kind === 'plain') waiting();
    }
  };
}
