/**
 * A tiny fan-out of events from the loop to whoever renders them (the Ink app subscribes).
 * Events emitted before the first subscriber are kept and handed to it, so the first
 * build's events are not lost while the UI mounts.
 */
export interface Feed<T> {
  emit(event: T): void;
  subscribe(listener: (event: T) => void): () => void;
}

export function createFeed<T>(): Feed<T> {
  const listeners = new Set<(event: T) => void>();
  let early: T[] | undefined = [];
  return {
    emit(event) {
      if (early) early.push(event);
      for (const l of listeners) l(event);
    },
    subscribe(listener) {
      if (early) {
        for (const e of early) listener(e);
        early = undefined;
      }
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
