/**
 * Diagnostics: every user-facing problem carries a stable code, a message and,
 * where it comes from a file, a position. The compiler collects them in a sink
 * instead of throwing, so one run reports every problem (STYLE.md #6).
 */

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** Path relative to the project folder (posix separators), when the problem is in a file. */
  file?: string;
  /** 1-based line and column of the start of the range. */
  line?: number;
  col?: number;
  /** Character offsets into the file's text: [start, end). */
  range?: [number, number];
  hint?: string;
}

/** A place in a project file: the file (relative, posix) and an offset range. */
export interface Loc {
  file: string;
  range: [number, number];
}

/** Converts offsets into 1-based line/column for a file; provided by the loader. */
export type LineLookup = (file: string, offset: number) => { line: number; col: number } | undefined;

export class DiagnosticSink {
  private readonly items: Diagnostic[] = [];

  constructor(private lookup: LineLookup = () => undefined) {}

  setLookup(lookup: LineLookup): void {
    this.lookup = lookup;
  }

  add(d: Diagnostic): void {
    if (d.file && d.range && d.line === undefined) {
      const pos = this.lookup(d.file, d.range[0]);
      if (pos) {
        d.line = pos.line;
        d.col = pos.col;
      }
    }
    this.items.push(d);
  }

  error(code: string, message: string, loc?: Loc, hint?: string): void {
    this.add(withLoc({ code, severity: 'error', message, hint }, loc));
  }

  warning(code: string, message: string, loc?: Loc, hint?: string): void {
    this.add(withLoc({ code, severity: 'warning', message, hint }, loc));
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length;
  }

  get hasErrors(): boolean {
    return this.errorCount > 0;
  }

  /** All diagnostics, sorted by file, line, column, code, so output never depends on discovery order. */
  sorted(): Diagnostic[] {
    return [...this.items].sort(compareDiagnostics);
  }
}

function withLoc(d: Diagnostic, loc?: Loc): Diagnostic {
  if (loc) {
    d.file = loc.file;
    d.range = loc.range;
  }
  if (d.hint === undefined) delete d.hint;
  return d;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const fa = a.file ?? '';
  const fb = b.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.line ?? 0;
  const lb = b.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.col ?? 0;
  const cb = b.col ?? 0;
  if (ca !== cb) return ca - cb;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** Thrown only for usage problems (bad CLI arguments, no project found): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
