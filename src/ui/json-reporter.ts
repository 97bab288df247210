/** `--reporter json`: one engine event per line (NDJSON); the summary is the last line. */
import type { EngineEvent, EventSink } from '../engine/events.ts';

export function jsonReporter(write: (line: string) => void, { progress = false } = {}): EventSink {
  return (e: EngineEvent) => {
    if (e.type === 'node-progress' && !progress) return;
    write(JSON.stringify(e));
  };
}
