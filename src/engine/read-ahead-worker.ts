/** Read-ahead helper thread: fills the rings render workers hand it, one job at a time (see read-ahead.ts). */
import { parentPort } from 'node:worker_threads';
import { fillRing, type ReadAheadJob } from './read-ahead.ts';

parentPort!.on('message', (job: ReadAheadJob) => fillRing(job));
