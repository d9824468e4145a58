import { parentPort, workerData } from 'node:worker_threads';
import type { InferenceWorkerData, LoadedModelInfo, WorkerRequest, WorkerResponse } from './inference-protocol';
import { WorkerBusyClock } from './worker-busy-clock';
import { WorkerStreams } from './worker-streams';
import { addModelInWorker } from './inference-worker-model-add';
import { featureFallbackWarning, loadedModelInfo } from './loaded-model-info';
import { loadModel, recognizeBatchWith, recognizeWith, type AcousticModel } from './offline-recognizer';

/**
 * An inference worker thread: loads every model once, then runs recognition jobs one at a time. onnxruntime's
 * `run` blocks the thread it runs on, so this keeps it off the event loop.
 */
async function main(): Promise<void> {
  const port = parentPort!;
  const data = workerData as InferenceWorkerData;
  const post = (message: WorkerResponse) => port.postMessage(message);
  const models = new Map<string, AcousticModel>();
  const warnings: string[] = [];
  try {
    for (const [id, layout] of Object.entries(data.layouts)) {
      const model = await loadModel(
        layout,
        {
          executionProvider: data.executionProvider,
          threads: data.threads,
          onFallback: (reason) => warnings.push(`model ${id}: CUDA execution provider unavailable (${reason}); using CPU`),
        },
        data.decoding,
      );
      models.set(id, model);
    }
    // Warm up: the first run of a session and the JIT-compiled feature code are slow; pay that before ready.
    const warmup = new Float32Array(16000);
    for (let i = 0; i < warmup.length; i++) warmup[i] = 0.01 * Math.sin(i / 7);
    for (const model of models.values()) await recognizeWith(model, warmup);
  } catch (err) {
    post({ type: 'fatal', message: (err as Error).message });
    return;
  }
  const info: Record<string, LoadedModelInfo> = {};
  for (const [id, m] of models) {
    info[id] = loadedModelInfo(m);
    const warning = featureFallbackWarning(id, m);
    if (warning) warnings.push(warning);
  }
  post({ type: 'ready', models: info, warnings });

  // Jobs and stream requests interleave at their awaits: each reports its share of the thread's time.
  const clock = new WorkerBusyClock();
  const streams = new WorkerStreams(models, post, clock);
  port.on('message', async (request: WorkerRequest) => {
    if (request.type === 'stream') return streams.handle(request);
    if (request.type === 'addModel') return post(await addModelInWorker(request, models, data));
    if (data.crashOnModelId !== undefined && request.modelId === data.crashOnModelId) process.exit(70);
    const model = models.get(request.modelId);
    if (!model) {
      post({ type: 'error', jobId: request.jobId, message: `model ${request.modelId} is not loaded` });
      return;
    }
    const busy = clock.begin();
    try {
      if (request.type === 'recognizeBatch') {
        const results = await recognizeBatchWith(model, request.items.map((i) => i.samples), request.items.map((i) => i.text));
        post({ type: 'batchResult', jobId: request.jobId, results, inferenceMs: busy() });
        return;
      }
      const result = await recognizeWith(model, request.samples, request.text);
      post({ type: 'result', jobId: request.jobId, result, inferenceMs: busy() });
    } catch (err) {
      busy();
      post({ type: 'error', jobId: request.jobId, message: (err as Error).message });
    }
  });
}

void main();
