import { StreamResampler } from './stream-resampler.js';

/**
 * AudioWorklet processor `pcm16-capture`: takes the microphone's first channel at the context's rate,
 * resamples it to `processorOptions.targetRateHz` (16 000) and posts Int16Array chunks of
 * `processorOptions.chunkMs` (default 40 ms) to the main thread (transferred, not copied).
 */

// The AudioWorkletGlobalScope is not in TypeScript's DOM library: what this file uses of it.
declare const sampleRate: number;
declare function registerProcessor(name: string, ctor: new (options: { processorOptions?: Record<string, number> }) => unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

class Pcm16CaptureProcessor extends AudioWorkletProcessor {
  private readonly resampler: StreamResampler;
  private readonly chunk: Int16Array;
  private filled = 0;

  constructor(options: { processorOptions?: Record<string, number> }) {
    super();
    const targetRateHz = options.processorOptions?.targetRateHz ?? 16000;
    const chunkMs = options.processorOptions?.chunkMs ?? 40;
    this.resampler = new StreamResampler(sampleRate, targetRateHz);
    this.chunk = new Int16Array(Math.round((targetRateHz * chunkMs) / 1000));
  }

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (channel) {
      for (const s of this.resampler.push(channel)) {
        const c = Math.max(-1, Math.min(1, s));
        this.chunk[this.filled++] = Math.round(c < 0 ? c * 32768 : c * 32767);
        if (this.filled === this.chunk.length) {
          const full = this.chunk.slice();
          this.port.postMessage(full, [full.buffer]);
          this.filled = 0;
        }
      }
    }
    return true; // keep running while the node is connected
  }
}

registerProcessor('pcm16-capture', Pcm16CaptureProcessor);
