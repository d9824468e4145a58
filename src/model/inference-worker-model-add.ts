import type { InferenceWorkerData, ModelAddRequest, ModelAddResponse } from './inference-protocol';
import { featureFallbackWarning, loadedModelInfo } from './loaded-model-info';
import { loadModel, recognizeWith, type AcousticModel } from './offline-recognizer';

/**
 * In an inference worker: loads one more model (pulled while the server runs), warms it up like the models
 * loaded at start, and adds it to the worker's models. Answers with its info, or why it failed (the worker
 * keeps running its other models either way).
 */
export async function addModelInWorker(request: ModelAddRequest, models: Map<string, AcousticModel>, data: InferenceWorkerData): Promise<ModelAddResponse> {
  const { requestId, modelId, layout } = request;
  const warnings: string[] = [];
  try {
    const model = models.get(modelId) ?? (await loadModel(
      layout,
      {
        executionProvider: data.executionProvider,
        threads: data.threads,
        onFallback: (reason) => warnings.push(`model ${modelId}: CUDA execution provider unavailable (${reason}); using CPU`),
      },
      data.decoding,
    ));
    const warmup = new Float32Array(16000);
    for (let i = 0; i < warmup.length; i++) warmup[i] = 0.01 * Math.sin(i / 7);
    await recognizeWith(model, warmup);
    models.set(modelId, model);
    const warning = featureFallbackWarning(modelId, model);
    if (warning) warnings.push(warning);
    return { type: 'modelAdded', requestId, modelId, info: loadedModelInfo(model), warnings };
  } catch (err) {
    return { type: 'modelAddFailed', requestId, modelId, message: (err as Error).message };
  }
}
