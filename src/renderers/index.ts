/** Dispatch a render task to the renderer of its node kind. Each renderer is a pure function of its inputs. */
import { renderClip } from './clip.ts';
import { renderDeliverable } from './deliverable.ts';
import { renderLoudness } from './loudness-analysis.ts';
import { renderMix } from './mix.ts';
import { renderQc } from './qc.ts';
import { renderReport } from './report.ts';
import { renderSource } from './source.ts';
import type { Progress, RenderResult, RenderTask } from './types.ts';

export function renderNode(task: RenderTask, progress: Progress = () => {}, block?: number): RenderResult {
  switch (task.node.kind) {
    case 'source':
      return renderSource(task, progress, block);
    case 'clip':
      return renderClip(task, progress, block);
    case 'bus':
    case 'stem':
    case 'master':
      return renderMix(task, progress, block);
    case 'loudness':
      return renderLoudness(task, progress, block);
    case 'deliverable':
      return renderDeliverable(task, progress, block);
    case 'qc':
      return renderQc(task, progress, block);
    case 'report':
      return renderReport(task, progress);
  }
}

export { RenderError, BLOCK, type RenderTask, type RenderResult } from './types.ts';
