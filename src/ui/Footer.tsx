/** @jsxRuntime automatic @jsxImportSource react */
/** The bottom lines: cache hit rate, build count, the last build; then the keys (or a question). */
import { Box, Text } from 'ink';
import { formatSeconds } from './Header.tsx';
import { cacheHitRate, type ViewState } from './view-state.ts';

export interface FooterProps {
  state: ViewState;
  showAll: boolean;
  warningsOpen: boolean;
  /** Asking "clear the cache?" */
  confirm: boolean;
  /** Show the key help (watch mode). */
  keys: boolean;
}

export function Footer({ state, showAll, warningsOpen, confirm, keys }: FooterProps) {
  const rate = cacheHitRate(state);
  const last = state.last;
  const parts: string[] = [];
  if (rate !== undefined) parts.push(`cache ${Math.round(rate * 100)}% hit`);
  if (state.run > 0) parts.push(`${state.run} build${state.run === 1 ? '' : 's'}`);
  if (state.watching) parts.push(`watching ${state.watching.files} file${state.watching.files === 1 ? '' : 's'}`);
  const hasWarnings = state.diagnostics.some((d) => d.severity !== 'error');
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text wrap="truncate-end">
        {last ? (
          <Text>
            <Text dimColor>last build </Text>
            <Text color={last.ok ? 'green' : 'red'}>{last.ok ? 'ok' : 'failed'}</Text>
            <Text dimColor>
              {' '}
              in {formatSeconds(last.seconds)}, {ago(state.now - last.endedAt)}
              {last.trigger ? ` (${last.trigger})` : ''}
              {parts.length ? ' · ' : ''}
            </Text>
          </Text>
        ) : null}
        <Text dimColor>{parts.join(' · ')}</Text>
      </Text>
      {confirm ? (
        <Text color="yellow" bold>
          Clear the cache? Every node will render again. (y/n)
        </Text>
      ) : keys ? (
        <Text dimColor wrap="truncate-end">
          q quit · r rebuild · v {showAll ? 'only active' : 'all nodes'} · c clear cache{hasWarnings ? ` · w ${warningsOpen ? 'hide' : 'show'} warnings` : ''}
        </Text>
      ) : null}
    </Box>
  );
}

function ago(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.floor(m / 60)} h ago`;
}
