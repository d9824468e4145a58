import type { InferenceWorkerData, LoadedModelInfo, ModelAddRequest, ModelAddResponse } from './inference-protocol';
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
    if (model.featureEngine === 'js') warnings.push(`model ${modelId}: the WebAssembly feature module could not be loaded; computing features in JavaScript (about 3x slower)`);
    return { type: 'modelAdded', requestId, modelId, info: modelInfo(model), warnings };
  } catch (err) {
    return { type: 'modelAddFailed', requestId, modelId, message: (err as Error).message };
  }
}

function modelInfo(m: AcousticModel): LoadedModelInfo {
  const { method, beamSize, lmFile, lmUnit, lmWeights } = m.decoding;
  const decoding = { method, beamSize, ...(lmFile && lmUnit && lmWeights ? { lm: { file: lmFile, unit: lmUnit, ...lmWeights } } : {}) };
  return { kind: m.kind, provider: m.provider, vocabSize: m.tokens.size, frameSec: m.frameSec, featureEngine: m.featureEngine, decoding, metadata: { ...m.metadata } };
}
