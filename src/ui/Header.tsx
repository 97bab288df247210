/** @jsxRuntime automatic @jsxImportSource react */
/** The top lines: project, picture lock, layout and target; then what the build is doing. */
import { Box, Text } from 'ink';
import type { ProjectInfo } from '../watch/events.ts';
import { buildFraction, elapsedSeconds, estimateSeconds, type ViewState } from './view-state.ts';

export interface HeaderProps {
  title?: string;
  pictureLock?: { file: string; sha256?: string };
  layout?: string;
  target?: string;
}

/** Props win over what the compile reported (the CLI may know more, e.g. a lock file's hash). */
export function headerFacts(state: ViewState, props: HeaderProps = {}): HeaderProps {
  const p: ProjectInfo = state.project ?? {};
  return {
    title: props.title ?? state.title ?? p.title,
    pictureLock: props.pictureLock ?? p.pictureLock,
    layout: props.layout ?? p.layout,
    target: props.target ?? p.target,
  };
}

const PHASE: Record<ViewState['phase'], { text: string; color: string }> = {
  starting: { text: 'starting', color: 'gray' },
  compiling: { text: 'compiling', color: 'cyan' },
  building: { text: 'building', color: 'cyan' },
  done: { text: 'done', color: 'green' },
  failed: { text: 'failed', color: 'red' },
  'compile-failed': { text: 'project has errors', color: 'red' },
  cancelled: { text: 'cancelled', color: 'yellow' },
};

export function Header({ state, facts }: { state: ViewState; facts: HeaderProps }) {
  const phase = PHASE[state.phase];
  const lock = facts.pictureLock;
  const total = state.nodes.size;
  const finished = state.totals.cached + state.totals.done + state.totals.failed;
  const elapsed = elapsedSeconds(state);
  const eta = estimateSeconds(state);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>postaudio</Text>
        <Text dimColor> · </Text>
        <Text bold color="white">{facts.title ?? '…'}</Text>
        {lock ? (
          <Text>
            <Text dimColor>   picture </Text>
            {lock.file}
            {lock.sha256 ? <Text dimColor> @{lock.sha256.slice(0, 7)}</Text> : null}
          </Text>
        ) : null}
        {facts.layout ? <Text dimColor>   {facts.layout}</Text> : null}
        {facts.target ? <Text dimColor> · {facts.target}</Text> : null}
      </Text>
      <Text wrap="truncate-end">
        {state.run > 0 ? <Text dimColor>build {state.run} · </Text> : null}
        <Text color={phase.color}>{phase.text}</Text>
        {state.trigger ? <Text dimColor> ({state.trigger})</Text> : null}
        {state.phase === 'cancelled' && state.cancelReason ? <Text color="yellow">: {state.cancelReason}</Text> : null}
        {total > 0 && state.phase !== 'compiling' && state.phase !== 'compile-failed' ? (
          <Text>
            <Text dimColor> · </Text>
            {finished.toLocaleString('en-US')}/{total.toLocaleString('en-US')} nodes
            {state.phase === 'building' ? <Text dimColor> ({Math.floor(buildFraction(state) * 100)}%)</Text> : null}
          </Text>
        ) : null}
        {state.phase === 'building' && elapsed !== undefined ? <Text dimColor> · {elapsed.toFixed(1)} s</Text> : null}
        {eta !== undefined ? <Text dimColor> · ~{formatSeconds(eta)} left</Text> : null}
      </Text>
    </Box>
  );
}

export function formatSeconds(s: number): string {
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 90) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}
