/** @jsxRuntime automatic @jsxImportSource react */
/** A text progress bar: `█████░░░░░`. */
import { Text } from 'ink';

export function bar(fraction: number, width: number): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.round(f * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

export function ProgressBar({ fraction, width = 20, color }: { fraction: number; width?: number; color?: string }) {
  return <Text color={color}>{bar(fraction, width)}</Text>;
}
