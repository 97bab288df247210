/**
 * `fmt`: one canonical form for project YAML, so diffs show what changed in the
 * soundtrack and not how someone typed it. Works on the `yaml` Document (comments,
 * blank lines, anchors, flow or block style all kept) and changes only:
 *   - key order: the schema's property order (sections in TOP_ORDER, an event's `bus` last),
 *     keys the schema does not know after the known ones, in their order;
 *   - quantities: '-6dB' → '-6 dB', '0.25 s' → '250 ms', '12 frames' → '12f' (formatQuantity),
 *     only where the number is kept exactly;
 *   - timecodes: two digits per field, double-quoted: '1:0:12:5' → "01:00:12:05";
 *   - layout: two-space indentation, no line folding; trailing comments keep their column.
 * Formatting never changes a resolved value, so it never changes a render key.
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, visit, type Node as YamlNode, type Scalar } from 'yaml';
import { formatQuantity, parseQuantity } from '../compiler/units.ts';
import { rejoinKeyComments, restoreCommentColumns } from './comment-columns.ts';
import { SchemaWalk, type Place } from './schema-walk.ts';

export interface FormatResult {
  text: string;
  /** YAML syntax errors: the file is left as it is. */
  errors: { message: string; offset: number }[];
}

const STRINGIFY = { indent: 2, indentSeq: true, lineWidth: 0, minContentWidth: 0, flowCollectionPadding: true } as const;

/** Formats the text of one project file (the project file or an include: they share the schema). */
export function formatYaml(text: string, walk = new SchemaWalk()): FormatResult {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0) return { text, errors: doc.errors.map((e) => ({ message: e.message.split('\n')[0], offset: e.pos[0] })) };
  if (doc.contents === null) return { text, errors: [] };
  canonicalize(doc.contents as YamlNode, walk.top(), walk, true);
  const printed = unpadFlowSeqs(ensureNewline(doc.toString(STRINGIFY)));
  const rejoined = rejoinKeyComments(text, printed, multiLineScalarLines(printed));
  const aligned = restoreCommentColumns(text, rejoined, multiLineScalarLines(rejoined));
  // the alignment only moves comments; if it ever changed a value, keep the plain print
  return { text: sameValue(aligned, printed) ? aligned : printed, errors: [] };
}

function canonicalize(node: YamlNode, place: Place | undefined, walk: SchemaWalk, isTop = false): void {
  if (isMap(node)) {
    const map = walk.asMap(place);
    const { order, last } = walk.keyOrder(map, isTop);
    const rank = (key: unknown, i: number): number => {
      const k = isScalar(key) ? String(key.value) : undefined;
      if (k !== undefined && last.includes(k)) return 2_000_000 + last.indexOf(k);
      if (k !== undefined && order.includes(k)) return order.indexOf(k);
      return 1_000_000 + i;
    };
    const ranked = node.items.map((pair, i) => ({ pair, r: rank(pair.key, i) }));
    ranked.sort((a, b) => a.r - b.r);
    node.items = ranked.map((x) => x.pair);
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      const child = key === undefined ? undefined : walk.child(map, key);
      if (pair.value) canonicalize(pair.value as YamlNode, child, walk);
    }
    return;
  }
  if (isSeq(node)) {
    const seq = walk.asSeq(place);
    node.items.forEach((it, i) => {
      if (it) canonicalize(it as YamlNode, walk.item(seq, i), walk);
    });
    return;
  }
  if (isScalar(node) && typeof node.value === 'string') {
    const scalar = walk.asScalar(place);
    if (walk.isTimecode(scalar)) canonicalTimecode(node as Scalar<string>);
    else if (walk.isQuantity(scalar)) canonicalQuantity(node as Scalar<string>);
  }
}

const LOOSE_TC = /^(\d{1,2})([:;])(\d{1,2})([:;])(\d{1,2})([:;.])(\d{1,2})$/;

/** "1:0:12:5" → "01:00:12:05"; drop-frame notation keeps its ';' before the frames. */
function canonicalTimecode(node: Scalar<string>): void {
  const m = LOOSE_TC.exec(node.value.trim());
  if (!m) return;
  const drop = [m[2], m[4], m[6]].includes(';');
  const p = (s: string) => s.padStart(2, '0');
  node.value = `${p(m[1])}:${p(m[3])}:${p(m[5])}${drop ? ';' : ':'}${p(m[7])}`;
  node.type = 'QUOTE_DOUBLE';
}

/** '-6dB' → '-6 dB', '0.25 s' → '250 ms': only when the canonical text reads back as exactly the same quantity. */
function canonicalQuantity(node: Scalar<string>): void {
  const q = parseQuantity(node.value);
  if ('error' in q) return;
  const text = formatQuantity(q);
  const back = parseQuantity(text);
  if ('error' in back || back.unit !== q.unit || back.value !== q.value) return;
  if (text !== node.value) {
    node.value = text;
    node.type = 'PLAIN';
  }
}

/**
 * Flow maps are padded and flow lists are not, as the docs write them: `{ id: d1, bus: DX }`,
 * `takes: [t1, t2]`. The yaml library pads both or neither, so the list brackets are unpadded
 * here, at the exact ranges of the flow lists in the printed text.
 */
function unpadFlowSeqs(text: string): string {
  const doc = parseDocument(text);
  const cuts: number[] = [];
  visit(doc, {
    Seq(_, node) {
      if (!node.flow || !node.range || node.items.length === 0) return;
      const [start, end] = node.range;
      if (text[start] === '[' && text[start + 1] === ' ') cuts.push(start + 1);
      const close = text.lastIndexOf(']', end);
      if (close > start && text[close - 1] === ' ') cuts.push(close - 1);
    },
  });
  let out = text;
  for (const at of cuts.sort((a, b) => b - a)) out = out.slice(0, at) + out.slice(at + 1);
  return out;
}

function ensureNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`;
}

/** 0-based lines that lie inside a multi-line scalar (block scalars, folded quotes): never touched. */
function multiLineScalarLines(text: string): Set<number> {
  const doc = parseDocument(text);
  const starts: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const out = new Set<number>();
  visit(doc, {
    Scalar(_, node) {
      if (!node.range) return;
      const a = lineAt(node.range[0]);
      const b = lineAt(Math.max(node.range[0], node.range[1] - 1));
      if (b > a || node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') for (let l = a; l <= b; l++) out.add(l);
    },
  });
  return out;
}

function sameValue(a: string, b: string): boolean {
  try {
    return JSON.stringify(parseDocument(a).toJS()) === JSON.stringify(parseDocument(b).toJS());
  } catch {
    return false;
  }
}

/** The 1-based line of the first difference between two texts, or 0 when they are equal. */
export function firstDifferentLine(a: string, b: string): number {
  if (a === b) return 0;
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) if (la[i] !== lb[i]) return i + 1;
  return Math.max(la.length, lb.length);
}
