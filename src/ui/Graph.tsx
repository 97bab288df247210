/** @jsxRuntime automatic @jsxImportSource react */
/**
 * The render graph by stage: one line per stage (bar and counts), then node rows under it.
 * Which rows is a pure function of the state (`graphRows`): every node, or only the active and
 * failed ones; with thousands of nodes (aggregate mode) a few per stage, slowest first, and
 * always within a row budget so the screen never outgrows the terminal.
 */
import { Box, Text } from 'ink';
import { formatSeconds } from './Header.tsx';
import { ProgressBar } from './ProgressBar.tsx';
import { nodeElapsed, type NodeView, type StageView, type ViewState } from './view-state.ts';

/** A node rendering at least this long gets a progress bar. */
export const LONG_NODE_SECONDS = 1;
/** Above this many nodes the graph is summarised per stage. */
export const AGGREGATE_ABOVE = 200;

export interface GraphOptions {
  /** All nodes (true) or only rendering and failed ones (false). */
  showAll: boolean;
  aggregate: boolean;
  /** Node rows at most (stage lines are always shown). */
  maxRows: number;
  /** In aggregate mode: rows per stage. */
  perStage?: number;
}

export type GraphRow =
  | { type: 'stage'; stage: StageView }
  | { type: 'node'; node: NodeView }
  | { type: 'more'; count: number; what: string };

export function graphRows(state: ViewState, o: GraphOptions): GraphRow[] {
  const rows: GraphRow[] = [];
  let budget = Math.max(0, o.maxRows);
  const perStage = o.perStage ?? (o.showAll ? 8 : 3);
  for (const stage of state.stages) {
    rows.push({ type: 'stage', stage });
    const node = (id: string) => state.nodes.get(id)!;
    let picked: NodeView[];
    let of: number;
    let what: string;
    if (!o.aggregate) {
      const all = stage.ids.map(node);
      picked = o.showAll ? all : [...all.filter((n) => n.state === 'rendering').sort(bySlowest), ...all.filter((n) => n.state === 'failed')];
      of = picked.length;
      what = o.showAll ? 'nodes' : 'active or failed';
    } else {
      // the slowest rendering (oldest first) and the failures; in all mode topped up with the rest in plan order
      const rendering = state.active.map(node).filter((n) => n.kind === stage.kind);
      const failed = state.failed.map(node).filter((n) => n.kind === stage.kind && n.state === 'failed');
      picked = [...rendering.slice(0, perStage), ...failed.slice(0, perStage)];
      of = stage.counts.rendering + stage.counts.failed;
      what = 'active or failed';
      if (o.showAll) {
        for (const id of stage.ids) {
          if (picked.length >= perStage) break;
          const n = node(id);
          if (n.state !== 'rendering' && n.state !== 'failed') picked.push(n);
        }
        of = stage.ids.length;
        what = 'nodes';
      }
    }
    const take = Math.min(picked.length, budget);
    for (const n of picked.slice(0, take)) rows.push({ type: 'node', node: n });
    budget -= take;
    if (of > take) rows.push({ type: 'more', count: of - take, what });
  }
  return rows;
}

/** Rendering longest first. */
function bySlowest(a: NodeView, b: NodeView): number {
  return (a.startedAt ?? 0) - (b.startedAt ?? 0);
}

export function Graph({ state, options, width = 80 }: { state: ViewState; options: GraphOptions; width?: number }) {
  const rows = graphRows(state, options);
  const kindWidth = Math.max(6, ...state.stages.map((s) => s.kind.length));
  const idWidth = Math.min(Math.max(10, ...rows.map((r) => (r.type === 'node' ? r.node.id.length : 0))), Math.max(16, Math.floor(width / 2.5)));
  return (
    <Box flexDirection="column">
      {rows.map((r, i) =>
        r.type === 'stage' ? (
          <StageLine key={`s:${r.stage.kind}`} stage={r.stage} kindWidth={kindWidth} />
        ) : r.type === 'node' ? (
          <NodeRow key={`n:${r.node.id}`} node={r.node} state={state} idWidth={idWidth} />
        ) : (
          <Text key={`m:${i}`} dimColor>
            {'    '}… {r.count.toLocaleString('en-US')} more {r.what}
          </Text>
        ),
      )}
    </Box>
  );
}

function StageLine({ stage, kindWidth }: { stage: StageView; kindWidth: number }) {
  const c = stage.counts;
  const total = stage.ids.length;
  const finished = c.cached + c.done + c.failed;
  const parts: [number, string, string | undefined][] = [
    [c.rendering, 'rendering', 'cyan'],
    [c.done, 'rendered', 'green'],
    [c.cached, 'cached', undefined],
    [c.failed, 'failed', 'red'],
    [c.queued, 'queued', undefined],
  ];
  const shown = parts.filter(([n]) => n > 0);
  return (
    <Text wrap="truncate-end">
      <Text bold>{stage.kind.padEnd(kindWidth)}</Text> <ProgressBar fraction={total ? finished / total : 1} width={16} color={c.failed ? 'red' : finished === total ? 'green' : 'cyan'} />{' '}
      {`${finished}/${total}`.padStart(11)}
      {shown.map(([n, label, color], i) => (
        <Text key={label}>
          <Text dimColor>{i === 0 ? '  ' : ' · '}</Text>
          <Text color={color} dimColor={!color}>
            {n.toLocaleString('en-US')} {label}
          </Text>
        </Text>
      ))}
    </Text>
  );
}

function NodeRow({ node, state, idWidth }: { node: NodeView; state: ViewState; idWidth: number }) {
  const id = node.id.length > idWidth ? `${node.id.slice(0, idWidth - 1)}…` : node.id.padEnd(idWidth);
  switch (node.state) {
    case 'queued':
      return (
        <Text dimColor wrap="truncate-end">
          {'  · '}
          {id} queued
        </Text>
      );
    case 'cached':
      return (
        <Text dimColor wrap="truncate-end">
          {'  ○ '}
          {id} cached
        </Text>
      );
    case 'done':
      return (
        <Text wrap="truncate-end">
          <Text color="green">{'  ✓ '}</Text>
          {id} <Text dimColor>{node.inline ? 'computed inline' : `rendered ${formatSeconds(node.seconds ?? 0)}`}</Text>
        </Text>
      );
    case 'failed':
      return (
        <Text wrap="truncate-end">
          <Text color="red">{'  ✗ '}</Text>
          {id} <Text color="red">{node.error?.code}</Text> <Text dimColor>{node.error?.message}</Text>
        </Text>
      );
    case 'rendering': {
      const t = nodeElapsed(state, node);
      const long = t >= LONG_NODE_SECONDS;
      return (
        <Text wrap="truncate-end">
          <Text color="cyan">{'  ▸ '}</Text>
          {id}{' '}
          {long && node.progress !== undefined ? (
            <Text>
              <ProgressBar fraction={node.progress} width={20} color="cyan" /> {`${Math.floor(node.progress * 100)}%`.padStart(4)}{' '}
            </Text>
          ) : (
            <Text color="cyan">rendering </Text>
          )}
          <Text dimColor>{formatSeconds(t)}</Text>
          {node.reason ? <Text dimColor> · {node.reason}</Text> : null}
        </Text>
      );
    }
  }
}
