import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { resample } from '../../../src/audio/resample';
import { decodeWav } from '../../../src/audio/wav';
import { SPEECH_FIXTURE_WAV } from '../../fixtures/speech-fixture';
import { MODELS_DIR } from './test-server';

/** One test clip: its file name and its samples at 16 kHz. */
export interface TestClip {
  name: string;
  samples: Float32Array;
}

/**
 * The clips the parity tests decode, resampled to 16 kHz: the model test data (`MODELS_DIR/testdata/*.wav`, in
 * name order, none when the folder is missing), after the speech fixture when `withSpeechFixture` is set.
 */
export function testClips(options: { withSpeechFixture?: boolean } = {}): TestClip[] {
  const testdata = path.join(MODELS_DIR, 'testdata');
  const files = options.withSpeechFixture ? [SPEECH_FIXTURE_WAV] : [];
  if (existsSync(testdata)) {
    files.push(
      ...readdirSync(testdata)
        .filter((f) => f.endsWith('.wav'))
        .sort()
        .map((f) => path.join(testdata, f)),
    );
  }
  return files.map((f) => {
    const a = decodeWav(readFileSync(f));
    return { name: path.basename(f), samples: resample(a.samples, a.sampleRateHz, 16000) };
  });
}

/** Clips as `test.each` rows: `[name, samples]`. */
export const clipRows = (clips: readonly TestClip[]) => clips.map((c) => [c.name, c.samples] as const);
