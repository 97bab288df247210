/**
 * The one formatter for diagnostics: `file:line:col: error PA203: message`, the source
 * line and a caret under the range, then the hint (yaml's prettifyError, ninja's lexer
 * errors). Colour only when asked (a TTY without NO_COLOR).
 */
import type { Diagnostic } from '../compiler/diagnostics.ts';

export interface Colors {
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  cyan(s: string): string;
  green(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
export const ANSI: Colors = { red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22), cyan: wrap(36, 39), green: wrap(32, 39) };
const id = (s: string) => s;
export const PLAIN: Colors = { red: id, yellow: id, dim: id, bold: id, cyan: id, green: id };

export function useColor(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '') && process.env.TERM !== 'dumb';
}

export function location(d: Diagnostic): string {
  if (!d.file) return '';
  return d.line !== undefined ? `${d.file}:${d.line}:${d.col}` : d.file;
}

/** Formats one diagnostic; `text(file)` returns a file's content for the code frame. */
export function formatDiagnostic(d: Diagnostic, text: (file: string) => string | undefined, c: Colors = PLAIN): string {
  const sev = d.severity === 'error' ? c.red(c.bold(`error ${d.code}`)) : c.yellow(c.bold(`warning ${d.code}`));
  const loc = location(d);
  const lines = [`${loc ? `${c.bold(loc)}: ` : ''}${sev}: ${d.message}`];
  const src = d.file && d.line !== undefined ? text(d.file) : undefined;
  if (src !== undefined && d.line !== undefined && d.col !== undefined) {
    const all = src.split(/\r?\n/);
    const lineText = all[d.line - 1] ?? '';
    const gutter = String(d.line).length;
    const start = d.col - 1;
    let len = 1;
    if (d.range) {
      const rangeLen = d.range[1] - d.range[0];
      len = Math.max(1, Math.min(rangeLen, lineText.length - start));
    }
    lines.push(`${c.dim(`${String(d.line).padStart(gutter)} |`)} ${lineText}`);
    lines.push(`${c.dim(`${' '.repeat(gutter)} |`)} ${' '.repeat(Math.max(0, start))}${c.red('^'.repeat(len))}`);
  }
  if (d.hint) lines.push(`${c.cyan('hint')}: ${d.hint}`);
  return lines.join('\n');
}

/** GitHub Actions workflow command for a diagnostic. */
export function formatGithub(d: Diagnostic): string {
  const esc = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (s: string) => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const parts: string[] = [];
  if (d.file) parts.push(`file=${prop(d.file)}`);
  if (d.line !== undefined) parts.push(`line=${d.line}`, `col=${d.col}`);
  parts.push(`title=${prop(d.code)}`);
  return `::${d.severity === 'error' ? 'error' : 'warning'} ${parts.join(',')}::${esc(`${d.code}: ${d.message}${d.hint ? ` (hint: ${d.hint})` : ''}`)}`;
}
