/** @jsxRuntime automatic @jsxImportSource react */
/** The whole screen for one view state: header, graph, results, problems, footer. Renders only its props. */
import path from 'node:path';
import { Box, Text } from 'ink';
import type { BuildSummary } from '../engine/events.ts';
import { Diagnostics } from './Diagnostics.tsx';
import { Footer } from './Footer.tsx';
import { AGGREGATE_ABOVE, Graph } from './Graph.tsx';
import { Header, headerFacts, type HeaderProps } from './Header.tsx';
import { ANSI, type Colors } from './format-diagnostic.ts';
import type { ViewState } from './view-state.ts';

export interface BuildScreenProps {
  state: ViewState;
  showAll?: boolean;
  warningsOpen?: boolean;
  confirm?: boolean;
  /** Colours for diagnostics and code frames (ANSI on a terminal). */
  colors?: Colors;
  header?: HeaderProps;
  /** Output paths are shown relative to this folder. */
  cwd?: string;
  width?: number;
  /** Node rows at most in the graph. */
  maxRows?: number;
  aggregateAbove?: number;
  keys?: boolean;
}

export function BuildScreen(p: BuildScreenProps) {
  const { state } = p;
  const showAll = p.showAll ?? true;
  const aggregate = state.nodes.size > (p.aggregateAbove ?? AGGREGATE_ABOVE);
  return (
    <Box flexDirection="column">
      <Header state={state} facts={headerFacts(state, p.header)} />
      {state.stages.length > 0 && state.phase !== 'compile-failed' ? (
        <Box marginTop={1} flexDirection="column">
          <Graph state={state} options={{ showAll, aggregate, maxRows: p.maxRows ?? 30 }} width={p.width} />
        </Box>
      ) : null}
      {state.phase === 'compile-failed' ? (
        state.summary ? <Text dimColor>not built: the last good deliverables are untouched</Text> : null
      ) : (
        <Result state={state} cwd={p.cwd} />
      )}
      <Diagnostics state={state} colors={p.colors ?? ANSI} warningsOpen={p.warningsOpen ?? false} />
      {state.notice ? <Text color={state.notice.level === 'error' ? 'red' : 'yellow'}>{state.notice.text}</Text> : null}
      <Footer state={state} showAll={showAll} warningsOpen={p.warningsOpen ?? false} confirm={p.confirm ?? false} keys={p.keys ?? true} />
    </Box>
  );
}

const KNOWN = new Set(['type', 'ok', 'rendered', 'cached', 'failed', 'outputs', 'seconds']);
const MAX_OUTPUTS = 6;

/** Deliverables written and the summary, including whatever else it carries (QC results). */
function Result({ state, cwd }: { state: ViewState; cwd?: string }) {
  const s = state.summary;
  if (!s && state.outputs.length === 0) return null;
  const rel = (f: string) => (cwd ? path.relative(cwd, f) || f : f);
  const outs = state.outputs.slice(0, MAX_OUTPUTS);
  return (
    <Box flexDirection="column" marginTop={1}>
      {outs.map((o) => (
        <Text key={o.path} wrap="truncate-end">
          <Text color="green">wrote</Text> {rel(o.path)}{' '}
          <Text dimColor>
            {(o.bytes / 1e6).toFixed(1)} MB sha256 {o.sha256.slice(0, 12)}
            {o.changed ? '' : ' (unchanged)'}
          </Text>
        </Text>
      ))}
      {state.outputs.length > outs.length ? <Text dimColor>… {state.outputs.length - outs.length} more outputs</Text> : null}
      {s ? <SummaryLine s={s} /> : null}
      {s ? extras(s).map(([k, v]) => <Text key={k}>{`  ${k}: ${v}`}</Text>) : null}
    </Box>
  );
}

function SummaryLine({ s }: { s: BuildSummary }) {
  return (
    <Text>
      <Text color={s.ok ? 'green' : 'red'} bold>
        {s.ok ? 'done' : 'failed'}
      </Text>
      : {s.rendered} rendered, {s.cached} cached, {s.failed} failed in {s.seconds.toFixed(2)} s
    </Text>
  );
}

/** Summary fields beyond the basic counts, one line each (QC results, when the engine adds them). */
export function extras(s: BuildSummary): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(s as unknown as Record<string, unknown>)) {
    if (KNOWN.has(k) || v === undefined) continue;
    if (Array.isArray(v)) for (const [i, item] of v.entries()) out.push([`${k}[${i}]`, show(item)]);
    else if (v && typeof v === 'object') for (const [kk, vv] of Object.entries(v)) out.push([`${k}.${kk}`, show(vv)]);
    else out.push([k, show(v)]);
  }
  return out;
}

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  const s = JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 159)}…` : s;
}
