/**
 * `conform --write`: move timecode events to where their picture went, and point
 * `picture.lock` at the new lock, editing the YAML in place. Nodes are found through
 * the yaml Document API (parseDocument, getIn → the scalar and its source range) and
 * only those scalars' text is replaced, so comments, flow maps, alignment and every
 * other byte of the files stay as they were.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, parseDocument, Scalar, type Document } from 'yaml';
import type { Loaded, PathSeg } from '../compiler/load.ts';
import { toPosix } from '../compiler/load.ts';
import { writeAtomic } from '../engine/cache.ts';
import type { ConformReport } from './report.ts';

export interface WriteResult {
  /** files changed, relative to the project folder */
  files: string[];
  /** events moved: id, from, to */
  moved: { id: string; file: string; line: number; from: string; to: string }[];
  /** timecode events whose picture was removed: left where they are */
  left: string[];
  /** the new picture.lock value */
  lock: string;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

export class WriteError extends Error {}

/**
 * Apply the report to the project's YAML. `newLockAbs` becomes picture.lock (relative to
 * the project file); it must be inside the project folder, like every path the project names.
 */
export function writeConform(loaded: Loaded, report: ConformReport, newLockAbs: string): WriteResult {
  const rel = toPosix(path.relative(loaded.root, newLockAbs));
  if (rel === '' || rel === '..' || rel.startsWith('../') || path.isAbsolute(rel)) {
    throw new WriteError(`the new lock ${newLockAbs} is outside the project folder; copy it into the project (e.g. picture/) and run conform --write again`);
  }
  const edits = new Map<string, Edit[]>(); // absolute file → edits
  const docs = new Map<string, { text: string; doc: Document }>();
  const docOf = (abs: string) => {
    let d = docs.get(abs);
    if (!d) {
      const text = fs.readFileSync(abs, 'utf8');
      const doc = parseDocument(text, { keepSourceTokens: false });
      if (doc.errors.length) throw new WriteError(`${toPosix(path.relative(loaded.root, abs))} no longer parses: ${doc.errors[0]!.message.split('\n')[0]}`);
      d = { text, doc };
      docs.set(abs, d);
    }
    return d;
  };
  const addEdit = (abs: string, e: Edit) => {
    const list = edits.get(abs) ?? [];
    list.push(e);
    edits.set(abs, list);
  };
  /** Replace a scalar's text, keeping its quoting style. */
  const setScalar = (abs: string, docPath: PathSeg[], value: string): boolean => {
    const { doc } = docOf(abs);
    const node = doc.getIn(docPath, true);
    if (!isScalar(node) || !node.range) return false;
    addEdit(abs, { start: node.range[0], end: node.range[1], text: quoted(value, node) });
    return true;
  };

  const result: WriteResult = { files: [], moved: [], left: [], lock: rel };
  for (const e of report.events) {
    if (e.status !== 'picture-changed' || !e.write) continue;
    if (e.write.to === null) {
      result.left.push(e.id);
      continue;
    }
    if (e.old && e.write.to === e.old.start) continue;
    const index = ((loaded.value[e.list] as { id?: unknown }[] | undefined) ?? []).findIndex((x) => x && String(x.id) === e.id);
    if (index < 0) continue;
    const abs = loaded.definingFile(e.list, index);
    const docPath = loaded.localPath([e.list, index, 'at']);
    if (setScalar(abs, docPath, e.write.to)) result.moved.push({ id: e.id, file: e.file, line: e.line, from: e.old?.start ?? '', to: e.write.to });
  }

  // picture.lock: replace the value, or add a picture section after project:
  const projectAbs = loaded.projectFile.abs;
  if (!setScalar(projectAbs, ['picture', 'lock'], rel)) {
    const { text, doc } = docOf(projectAbs);
    if (!isMap(doc.contents)) throw new WriteError(`${loaded.projectFile.rel} is not a map of sections`);
    const pictureNode = doc.getIn(['picture'], true);
    if (pictureNode !== undefined) throw new WriteError(`picture: in ${loaded.projectFile.rel} is not a map with a lock; set picture.lock to ${rel} by hand`);
    const project = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'project');
    const after = (project?.value as { range?: [number, number, number] } | undefined)?.range;
    let at = after ? text.indexOf('\n', after[1] - 1) : -1;
    at = at < 0 ? text.length : at + 1;
    const before = text.slice(0, at);
    const block = `${before.endsWith('\n') || before === '' ? '' : '\n'}\npicture:\n  lock: ${rel}\n`;
    addEdit(projectAbs, { start: at, end: at, text: block });
  }

  for (const [abs, list] of edits) {
    let text = docOf(abs).text;
    for (const e of [...list].sort((a, b) => b.start - a.start)) text = text.slice(0, e.start) + e.text + text.slice(e.end);
    const check = parseDocument(text);
    if (check.errors.length) throw new WriteError(`internal: editing ${abs} would break its YAML (${check.errors[0]!.message.split('\n')[0]}); nothing was written`);
    docs.get(abs)!.text = text;
  }
  for (const [abs] of edits) {
    writeAtomic(abs, docs.get(abs)!.text);
    result.files.push(toPosix(path.relative(loaded.root, abs)));
  }
  result.files.sort();
  return result;
}

function quoted(value: string, node: Scalar): string {
  switch (node.type) {
    case Scalar.QUOTE_SINGLE:
      return `'${value.replace(/'/g, "''")}'`;
    case Scalar.PLAIN:
      return /^[A-Za-z0-9_./-][A-Za-z0-9_./: -]*$/.test(value) && !/: |\s$/.test(value) ? value : JSON.stringify(value);
    default:
      return JSON.stringify(value);
  }
}
