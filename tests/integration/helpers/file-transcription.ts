import OpenAI, { toFile } from 'openai';
import { wavBytes } from './audio';

/**
 * The text the server gives one upload of 16 kHz samples (a PCM16 WAV through the OpenAI SDK, no retries): what
 * the tests compare a live stream's finals with.
 */
export async function fileTranscriptionText(serverUrl: string, samples: Float32Array, options: { model?: string; apiKey?: string } = {}): Promise<string> {
  const client = new OpenAI({ baseURL: `${serverUrl}/v1`, apiKey: options.apiKey ?? 'unused', maxRetries: 0 });
  const file = await toFile(wavBytes(samples, 16000), 'a.wav');
  return (await client.audio.transcriptions.create({ file, model: options.model ?? 'whisper-1' })).text;
}
