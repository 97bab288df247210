/**
 * Processors: streaming DSP stages applied in a chain to a source (restore:), an event
 * or a bus (process:). Each is created from resolved numeric params (SI units: Hz,
 * seconds, linear gain or dB as documented per processor) and processes interleaved
 * float32 blocks in place. Output never depends on how the signal is split into blocks.
 */
export interface ProcessorContext {
  sampleRate: number;
  channels: number;
  /** Signal time (samples) of the first frame the processor sees; automation is timed against it. Default 0. */
  startFrame?: number;
}

export interface Processor {
  /** Processes `frames` interleaved frames in place. Allocation-free. */
  process(buf: Float32Array, frames: number): void;
  /** Samples of delay the processor adds (look-ahead); the caller compensates. 0 if none. */
  readonly latency: number;
  /** Samples of output that follow the end of the input (reverb tails). 0 if none. */
  readonly tail: number;
}

export interface ProcessorDef<P> {
  name: string;
  /** Bump when output changes for the same params. */
  version: number;
  create(params: P, ctx: ProcessorContext): Processor;
}
