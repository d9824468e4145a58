/**
 * Worker thread entry: owns the one Silero VAD session of the process and every stream's recurrent state
 * (keyed by stream id), so VAD inference never runs on the event loop. Requests are handled in arrival order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SileroVadModel, SileroVadState } from './silero-vad-model';
import { VadRequest, VadResponse, VadWorkerData } from './vad-messages';

const port = parentPort;
if (!port) throw new Error('vad-worker must run as a worker thread');

function post(message: VadResponse, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

async function main(): Promise<void> {
  const { modelPath, allowExitRequests } = workerData as VadWorkerData;
  let model: SileroVadModel;
  try {
    model = await SileroVadModel.load(modelPath);
  } catch (err) {
    post({ kind: 'init_failed', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  const streamStates = new Map<number, SileroVadState>();
  port!.on('message', (request: VadRequest) => {
    switch (request.kind) {
      case 'process': {
        let state = streamStates.get(request.streamId);
        if (!state) {
          state = model.createState();
          streamStates.set(request.streamId, state);
        }
        model.probabilities(request.samples, state).then(
          (probabilities) =>
            post({ kind: 'result', requestId: request.requestId, probabilities }, [probabilities.buffer as ArrayBuffer]),
          (err: unknown) =>
            post({ kind: 'failure', requestId: request.requestId, message: err instanceof Error ? err.message : String(err) }),
        );
        break;
      }
      case 'process_batch': {
        const states = request.streamIds.map((id) => {
          let state = streamStates.get(id);
          if (!state) {
            state = model.createState();
            streamStates.set(id, state);
          }
          return state;
        });
        const share = request.samples.length / request.streamIds.length;
        const members = request.streamIds.map((_, b) => request.samples.subarray(b * share, (b + 1) * share));
        model.probabilitiesBatch(members, states).then(
          (results) => {
            const probabilities = new Float32Array(results.reduce((n, r) => n + r.length, 0));
            results.forEach((r, b) => probabilities.set(r, b * r.length));
            post({ kind: 'result', requestId: request.requestId, probabilities }, [probabilities.buffer as ArrayBuffer]);
          },
          (err: unknown) =>
            post({ kind: 'failure', requestId: request.requestId, message: err instanceof Error ? err.message : String(err) }),
        );
        break;
      }
      case 'reset':
        streamStates.set(request.streamId, model.createState());
        break;
      case 'close':
        streamStates.delete(request.streamId);
        break;
      case 'exit':
        if (allowExitRequests) process.exit(70);
        break;
    }
  });
  post({ kind: 'ready' });
}

void main();
