// Worker entry: register the TypeScript loader, then run the render worker.
// (A worker thread does not inherit `--import tsx` from its parent.)
import { workerData } from 'node:worker_threads';

if (!workerData.compiled) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
