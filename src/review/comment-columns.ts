/**
 * Trailing comments keep the column the author gave them. The `yaml` library keeps
 * every comment but prints a trailing one a single space after its line; sound editors
 * align their cue notes, and a formatter that flattens them makes the first diff huge.
 * So: a trailing comment that stood at column c in the input stands at column c in the
 * output when its line's content still ends before c (else one space after it). The rule
 * is idempotent: formatting the output again finds the same columns.
 */

/** The column of the `#` that starts a trailing comment on a line, or -1 (none, or a whole-line comment). */
export function trailingCommentAt(line: string): number {
  let quote: '"' | "'" | null = null;
  let sawContent = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote === '"') {
      if (ch === '\\') i++;
      else if (ch === '"') quote = null;
      continue;
    }
    if (quote === "'") {
      if (ch === "'") {
        if (line[i + 1] === "'") i++;
        else quote = null;
      }
      continue;
    }
    if (ch === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) return sawContent ? i : -1;
    if (ch === '"' || ch === "'") {
      // a quote only opens a quoted scalar at the start of a token
      const prev = i === 0 ? ' ' : line[i - 1];
      if (/[\s[{,:-]/.test(prev)) quote = ch;
    }
    if (ch !== ' ' && ch !== '\t') sawContent = true;
  }
  return -1;
}

/** Trailing comments of a text: comment text → the columns it stood at, in order. */
function commentColumns(text: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of text.split(/\r?\n/)) {
    const at = trailingCommentAt(line);
    if (at < 0) continue;
    const key = line.slice(at).trimEnd();
    const list = out.get(key) ?? [];
    list.push(at);
    out.set(key, list);
  }
  return out;
}

/**
 * Moves each trailing comment of `output` to the column the same comment had in `input`.
 * `skipLines` (0-based) are lines inside multi-line scalars, where a '#' is text.
 */
export function restoreCommentColumns(input: string, output: string, skipLines: Set<number>): string {
  const columns = commentColumns(input);
  const lines = output.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (skipLines.has(i)) continue;
    const line = lines[i];
    const at = trailingCommentAt(line);
    if (at < 0) continue;
    const comment = line.slice(at).trimEnd();
    const queue = columns.get(comment);
    const want = queue?.shift();
    if (want === undefined) continue;
    const code = line.slice(0, at).trimEnd();
    lines[i] = `${code}${' '.repeat(Math.max(1, want - code.length))}${comment}`;
  }
  return lines.join('\n');
}

/**
 * A comment after a key whose value is a nested block (`restore:   # cleaned once`) comes back
 * from the yaml library on a line of its own, above the block's first entry. When the input had
 * it on the key's line, it goes back there, at its column.
 */
export function rejoinKeyComments(input: string, output: string, skipLines: Set<number>): string {
  const onKeys = new Map<string, number[]>();
  for (const line of input.split(/\r?\n/)) {
    const at = trailingCommentAt(line);
    if (at < 0 || !line.slice(0, at).trimEnd().endsWith(':')) continue;
    const key = line.slice(at).trimEnd();
    onKeys.set(key, [...(onKeys.get(key) ?? []), at]);
  }
  if (onKeys.size === 0) return output;
  const lines = output.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const next = lines[i + 1];
    const code = line.trimEnd();
    if (!skipLines.has(i) && next !== undefined && code.endsWith(':') && trailingCommentAt(line) < 0 && /^\s*#/.test(next)) {
      const comment = next.trim();
      const want = onKeys.get(comment)?.shift();
      if (want !== undefined) {
        out.push(`${code}${' '.repeat(Math.max(1, want - code.length))}${comment}`);
        i++;
        continue;
      }
    }
    out.push(line);
  }
  return out.join('\n');
}
