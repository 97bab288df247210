/** Line-per-event reporter for terminals without the Ink UI, logs and CI. */
import path from 'node:path';
import type { EngineEvent, EventSink } from '../engine/events.ts';
import { formatDiagnostic, PLAIN, type Colors } from './format-diagnostic.ts';

export interface PlainOptions {
  write: (line: string) => void;
  colors?: Colors;
  cwd?: string;
  text?: (file: string) => string | undefined;
  verbose?: boolean;
}

export function plainReporter(o: PlainOptions): EventSink {
  const c = o.colors ?? PLAIN;
  const rel = (p: string) => path.relative(o.cwd ?? process.cwd(), p) || p;
  // Inline nodes (plain sources, clips, buses) are computed inside the node that reads them:
  // listed one by one only with --verbose, otherwise counted per stage on one line.
  let inline = new Map<string, number>();
  const flushInline = () => {
    if (inline.size === 0) return;
    o.write(`  ${c.cyan('update')} ${[...inline].map(([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`).join(', ')} ${c.dim('(computed inline)')}`);
    inline = new Map();
  };
  return (e: EngineEvent) => {
    if (e.type !== 'node-start' && e.type !== 'node-done' && e.type !== 'node-progress') flushInline();
    switch (e.type) {
      case 'build-start':
        o.write(`${c.bold('build')} ${e.title}: ${e.nodes.length} nodes, ${e.jobs} job${e.jobs === 1 ? '' : 's'}${e.trigger ? ` (${e.trigger})` : ''}`);
        break;
      case 'node-start':
        if (e.inline && !o.verbose) {
          inline.set(e.kind, (inline.get(e.kind) ?? 0) + 1);
          break;
        }
        flushInline();
        o.write(`  ${c.cyan('render')} ${e.id} ${c.dim(`(${e.reason})`)}`);
        break;
      case 'node-done':
        if (o.verbose && e.cached) o.write(`  ${c.dim('cached')} ${e.id}`);
        break;
      case 'node-failed': {
        const where = e.origin ? `${e.origin.file}${e.origin.line ? `:${e.origin.line}` : ''}: ` : '';
        o.write(`${where}${c.red(c.bold(`error ${e.code}`))}: ${e.id}: ${e.message}`);
        break;
      }
      case 'diagnostic':
        o.write(formatDiagnostic(e.diagnostic, o.text ?? (() => undefined), c));
        break;
      case 'output':
        o.write(`  ${c.green('wrote')} ${rel(e.output.path)} ${c.dim(`${(e.output.bytes / 1e6).toFixed(1)} MB sha256 ${e.output.sha256.slice(0, 16)}${e.changed ? '' : ' (unchanged)'}`)}`);
        break;
      case 'summary':
        o.write(
          `${e.ok ? c.green('done') : c.red('failed')}: ${e.rendered} rendered, ${e.cached} cached, ${e.failed} failed in ${e.seconds.toFixed(2)} s`,
        );
        break;
      default:
        break;
    }
  };
}
