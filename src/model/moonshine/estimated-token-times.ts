import type { DecodedToken } from '../decoded-token';

/** The timeline unit of estimated token times: 10 ms (the model's `frameSec`). */
export const ESTIMATE_FRAME_SAMPLES = 160;
/** A 10 ms frame is voiced when its RMS is within this many dB of the loudest frame's. */
const VOICED_RANGE_DB = 30;
/** ... and above this absolute RMS (about -70 dBFS), so digital silence stays unvoiced. */
const MIN_VOICED_RMS = 3e-4;

/** The first and one-past-last 10 ms frames of `samples` that carry sound (the whole clip when none do). */
export function voicedSpan(samples: Float32Array): { startFrame: number; endFrame: number } {
  const frames = Math.ceil(samples.length / ESTIMATE_FRAME_SAMPLES);
  const rms = new Float64Array(frames);
  let loudest = 0;
  for (let f = 0; f < frames; f++) {
    const end = Math.min(samples.length, (f + 1) * ESTIMATE_FRAME_SAMPLES);
    let sum = 0;
    for (let i = f * ESTIMATE_FRAME_SAMPLES; i < end; i++) sum += samples[i] * samples[i];
    rms[f] = Math.sqrt(sum / (end - f * ESTIMATE_FRAME_SAMPLES));
    loudest = Math.max(loudest, rms[f]);
  }
  const threshold = Math.max(MIN_VOICED_RMS, loudest * 10 ** (-VOICED_RANGE_DB / 20));
  let startFrame = 0;
  while (startFrame < frames && rms[startFrame] < threshold) startFrame++;
  let endFrame = frames;
  while (endFrame > startFrame && rms[endFrame - 1] < threshold) endFrame--;
  return startFrame < endFrame ? { startFrame, endFrame } : { startFrame: 0, endFrame: frames };
}

/**
 * Token times for a model that gives none (Moonshine's decoder attends to the whole clip; no frame is tied
 * to a token): the tokens share the voiced span of the clip in proportion to their length in characters
 * (speech takes roughly constant time per letter), in order, without gaps. Within a word these are
 * estimates; a one-word clip's word spans its voiced audio.
 */
export function spreadOverVoicedSpan(
  ids: readonly number[],
  logProbs: readonly number[],
  textOf: (id: number) => string,
  span: { startFrame: number; endFrame: number },
): DecodedToken[] {
  const weights = ids.map((id) => Math.max(1, textOf(id).replace(/^[\u2581 ]+/, '').length));
  const total = weights.reduce((a, b) => a + b, 0);
  const frames = span.endFrame - span.startFrame;
  let done = 0;
  return ids.map((id, i) => {
    const startFrame = span.startFrame + Math.round((done / total) * frames);
    done += weights[i];
    const endFrame = span.startFrame + Math.round((done / total) * frames);
    return { id, startFrame, endFrame, logProb: logProbs[i] };
  });
}
