/** @jsxRuntime automatic @jsxImportSource react */
/**
 * Problems of the last run: compile errors with code frames (the one formatter, in colour),
 * failed nodes, and warnings folded into one line until asked for (`w`).
 */
import { Box, Text } from 'ink';
import type { Diagnostic } from '../compiler/diagnostics.ts';
import { formatDiagnostic, type Colors } from './format-diagnostic.ts';
import type { NodeView, ViewState } from './view-state.ts';

export interface DiagnosticsProps {
  state: ViewState;
  colors: Colors;
  warningsOpen: boolean;
  /** Errors (and failed nodes) shown in full at most. */
  maxErrors?: number;
}

export function Diagnostics({ state, colors, warningsOpen, maxErrors = 5 }: DiagnosticsProps) {
  const text = (file: string) => state.texts[file];
  const errors = state.diagnostics.filter((d) => d.severity === 'error');
  const warnings = state.diagnostics.filter((d) => d.severity !== 'error');
  const failures = state.failed.map((id) => state.nodes.get(id)).filter((n): n is NodeView => n?.state === 'failed');
  if (errors.length === 0 && warnings.length === 0 && failures.length === 0) return null;
  const shownErrors = errors.slice(0, maxErrors);
  const shownFailures = failures.slice(0, Math.max(0, maxErrors - shownErrors.length));
  const hidden = errors.length - shownErrors.length + failures.length - shownFailures.length;
  return (
    <Box flexDirection="column" marginTop={1}>
      {shownErrors.map((d, i) => (
        <Text key={`e${i}`}>{formatDiagnostic(d, text, colors)}</Text>
      ))}
      {shownFailures.map((n) => (
        <Text key={`f:${n.id}`}>{formatFailure(n, colors)}</Text>
      ))}
      {hidden > 0 ? <Text dimColor>… {hidden} more error{hidden === 1 ? '' : 's'}</Text> : null}
      {warnings.length > 0 ? <Warnings warnings={warnings} open={warningsOpen} text={text} colors={colors} /> : null}
    </Box>
  );
}

function Warnings({ warnings, open, text, colors }: { warnings: Diagnostic[]; open: boolean; text: (f: string) => string | undefined; colors: Colors }) {
  const n = warnings.length;
  return (
    <Box flexDirection="column">
      <Text color="yellow">
        {open ? '▾' : '▸'} {n} warning{n === 1 ? '' : 's'} <Text dimColor>(w to {open ? 'hide' : 'show'})</Text>
      </Text>
      {open ? warnings.map((d, i) => <Text key={`w${i}`}>{formatDiagnostic(d, text, colors)}</Text>) : null}
    </Box>
  );
}

/** Same shape as the plain reporter's line for a failed node. */
export function formatFailure(n: NodeView, c: Colors): string {
  const o = n.error?.origin;
  const where = o ? `${c.bold(`${o.file}${o.line ? `:${o.line}` : ''}`)}: ` : '';
  return `${where}${c.red(c.bold(`error ${n.error?.code ?? 'PA900'}`))}: ${n.id}: ${n.error?.message ?? 'failed'}`;
}
