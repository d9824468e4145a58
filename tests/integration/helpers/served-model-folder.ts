import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI, { toFile } from 'openai';
import type { InferencePool } from '../../../src/model/inference-pool';
import type { RecognitionResult } from '../../../src/model/recognizer';
import { wavBytes } from './audio';
import { startTestServer, type TestServer } from './test-server';

/** One utterance the server's inference worker decoded: the samples it was given (a copy) and its result. */
export interface RecordedRecognition {
  samples: Float32Array;
  result: RecognitionResult;
}

/** A real server whose models folder holds one model folder, and what its inference worker decoded. */
export interface ServedModelFolder {
  server: TestServer;
  /** An OpenAI SDK client of the server (no key, no retries). */
  client: OpenAI;
  /** Every utterance the pool recognized, in the order the replies came. */
  decoded: RecordedRecognition[];
  /** Closes the server and removes the temporary models folder. */
  close(): Promise<void>;
}

/** Records every utterance `pool.recognize` is given and what it answers (the samples copied: the pool may transfer them). */
export function recordRecognitions(pool: InferencePool): RecordedRecognition[] {
  const decoded: RecordedRecognition[] = [];
  const recognize = pool.recognize.bind(pool);
  jest.spyOn(pool, 'recognize').mockImplementation(async (modelId, samples, options) => {
    const copy = samples.slice();
    const reply = await recognize(modelId, samples, options);
    decoded.push({ samples: copy, result: reply.result });
    return reply;
  });
  return decoded;
}

/**
 * Starts the real server (port 0) on a temporary models folder holding a copy of `sourceDir` as `modelId`,
 * recording what its inference worker decodes.
 */
export async function serveModelFolder(sourceDir: string, modelId: string, env: Record<string, string> = {}): Promise<ServedModelFolder> {
  const modelsDir = mkdtempSync(path.join(os.tmpdir(), `stt-${modelId}-`));
  cpSync(sourceDir, path.join(modelsDir, modelId), { recursive: true });
  let server: TestServer;
  try {
    server = await startTestServer({ ...env, MODELS_DIR: modelsDir });
  } catch (e) {
    rmSync(modelsDir, { recursive: true, force: true });
    throw e;
  }
  return {
    server,
    client: new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 }),
    decoded: recordRecognitions(server.services.pool),
    close: async () => {
      await server.close();
      rmSync(modelsDir, { recursive: true, force: true });
    },
  };
}

/** Uploads 16 kHz samples as a WAV file with the SDK and asks for verbose JSON with word times. */
export async function transcribeVerbose(client: OpenAI, samples: Float32Array, model: string, fileName = 'clip.wav') {
  return client.audio.transcriptions.create({
    file: await toFile(wavBytes(samples, 16000), fileName, { type: 'audio/wav' }),
    model,
    response_format: 'verbose_json',
    timestamp_granularities: ['word'],
  });
}
