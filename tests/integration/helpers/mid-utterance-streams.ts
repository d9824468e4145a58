import { resample } from '../../../src/audio/resample';
import { pcm16Bytes, RecordingSocket, streamChunks } from './ws-client';

/**
 * Live streams left in the middle of an utterance: each opens, sends `samples16k` (16 kHz; typically the speech
 * fixture's first 2.2 s, which stop inside its first utterance) in 100 ms chunks at 8× real time and resolves
 * once the server has said speech started; nothing ends the stream.
 */

/** A captions stream (`/v1/audio/transcriptions`, binary PCM16 at 16 kHz). */
export async function captionsMidUtterance(wsBase: string, samples16k: Float32Array): Promise<RecordingSocket> {
  const s = new RecordingSocket(`${wsBase}/v1/audio/transcriptions`);
  await s.opened;
  await s.waitForType('ready');
  await streamChunks((c) => s.ws.send(c), pcm16Bytes(samples16k), 32, 100, 8);
  await s.waitForType('speech_started');
  return s;
}

/** A Realtime transcription session (`/v1/realtime?intent=transcription`, base64 PCM16 at 24 kHz appends). */
export async function realtimeMidUtterance(wsBase: string, samples16k: Float32Array): Promise<RecordingSocket> {
  const s = new RecordingSocket(`${wsBase}/v1/realtime?intent=transcription`);
  await s.opened;
  await s.waitForType('session.created');
  const pcm24k = pcm16Bytes(resample(samples16k, 16000, 24000));
  await streamChunks((c) => s.sendJson({ type: 'input_audio_buffer.append', audio: c.toString('base64') }), pcm24k, 48, 100, 8);
  await s.waitForType('input_audio_buffer.speech_started');
  return s;
}
