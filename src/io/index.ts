// WAV / BWF / RF64 streaming I/O (synchronous; used inside render workers).
export * from './wav-format.ts';
export { encodeBext, decodeBext } from './bext.ts';
export { probeWav, WavReader, type WavOpenOptions } from './wav-read.ts';
export { WavWriter, type WavWriteOptions } from './wav-write.ts';
