import type { AcousticModel } from './acoustic-model';
import { isOnlineModel, type OnlineModelStream } from './online-acoustic-model';
import type { StreamRequest, StreamResponse, StreamSegmentResult } from './stream-protocol';
import { WorkerBusyClock } from './worker-busy-clock';
import { tokensToWords } from './words';

interface HeldStream {
  model: AcousticModel;
  state: OnlineModelStream;
  /** The stream's requests run one after another, in arrival order. */
  tail: Promise<void>;
}

/**
 * The streams an inference worker holds (see stream-protocol.ts): each one's model state, with its requests
 * chained so they never overlap, whatever else the worker runs meanwhile.
 */
export class WorkerStreams {
  private readonly streams = new Map<number, HeldStream>();

  constructor(
    private readonly models: ReadonlyMap<string, AcousticModel>,
    private readonly post: (message: StreamResponse) => void,
    /** The worker's clock, shared with its recognition jobs: a request's `inferenceMs` is its share of the thread. */
    private readonly clock: WorkerBusyClock = new WorkerBusyClock(),
  ) {}

  get size(): number {
    return this.streams.size;
  }

  handle(request: StreamRequest): void {
    const { streamId, requestId } = request;
    const fail = (message: string) => this.post({ type: 'streamError', streamId, requestId, message });
    if (request.op === 'open') {
      const model = this.models.get(request.modelId);
      if (!model) return fail(`model ${request.modelId} is not loaded`);
      if (!isOnlineModel(model)) return fail(`model ${request.modelId} does not decode streams`);
      if (this.streams.has(streamId)) return fail(`stream ${streamId} is already open`);
      this.streams.set(streamId, { model, state: model.createStream(), tail: Promise.resolve() });
      this.post({ type: 'streamResult', streamId, requestId, result: null, inferenceMs: 0 });
      return;
    }
    const held = this.streams.get(streamId);
    if (!held) return fail(`stream ${streamId} is not open`);
    if (request.op === 'close') this.streams.delete(streamId);
    held.tail = held.tail.then(async () => {
      const busy = this.clock.begin();
      try {
        const result = await this.run(held, request);
        this.post({ type: 'streamResult', streamId, requestId, result, inferenceMs: busy() });
      } catch (err) {
        busy();
        fail((err as Error).message);
      }
    });
  }

  private async run(held: HeldStream, request: StreamRequest): Promise<StreamSegmentResult | null> {
    switch (request.op) {
      case 'accept':
        await held.state.acceptWaveform(request.samples);
        return this.segment(held);
      case 'endpoint': {
        const result = this.segment(held);
        held.state.reset();
        return result;
      }
      case 'finish':
        await held.state.inputFinished();
        return this.segment(held);
      default:
        return null;
    }
  }

  private segment(held: HeldStream): StreamSegmentResult {
    const segment = held.state.result();
    const { text, words, tokens } = tokensToWords(segment.tokens, held.model.tokens, held.model.frameSec);
    const at = (sec: number) => segment.startSec + sec;
    return {
      segment: segment.index,
      startSec: segment.startSec,
      text,
      words: words.map((w) => ({ ...w, startSec: at(w.startSec), endSec: at(w.endSec) })),
      tokens,
      decodedSec: segment.decodedSec,
    };
  }
}
