import { WhisperFeatureComputer, WHISPER_MAX_FEATURE_FRAMES } from './whisper-features';

/** 0.5 s of 440 Hz at 0.5 plus 3 kHz at 0.05. */
const tones = Float32Array.from({ length: 8000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000) + 0.05 * Math.sin((2 * Math.PI * 3000 * i) / 16000));

describe('WhisperFeatureComputer', () => {
  const features = new WhisperFeatureComputer(80).compute(tones);
  const at = (t: number, m: number) => features.data[t * 80 + m];

  test('one frame per 10 ms (rounded), 80 mel bins, frame-major', () => {
    expect([features.numFrames, features.dim, features.data.length]).toEqual([50, 80, 4000]);
    expect(WhisperFeatureComputer.numFrames(16000)).toBe(100);
    expect(WhisperFeatureComputer.numFrames(16079)).toBe(100);
    expect(WhisperFeatureComputer.numFrames(16080)).toBe(101);
  });

  // Reference numbers from an independent implementation: numpy (rfft, librosa-style Slaney filters) in
  // scripts/model/export_tiny_whisper.py's whisper_features, on the same signal.
  test.each([
    [25, 9, 1.15939],
    [25, 10, 1.34874],
    [25, 11, 1.4382],
    [25, 12, 1.29352],
    [25, 54, 0.81404],
    [25, 55, 0.79046],
    [0, 11, 1.36983],
    [49, 11, 1.36817],
  ])('frame %i, bin %i = %f (numpy reference)', (t, m, expected) => {
    expect(at(t, m)).toBeCloseTo(expected, 4);
  });

  test('normalized as sherpa-onnx: everything within 8 (log10) of the maximum, then (x + 4) / 4', () => {
    let max = -Infinity;
    let min = Infinity;
    let sum = 0;
    for (const v of features.data) {
      max = Math.max(max, v);
      min = Math.min(min, v);
      sum += v;
    }
    expect(max).toBeCloseTo(1.4382, 4);
    expect(min).toBeCloseTo(max - 2, 5);
    expect(sum / features.data.length).toBeCloseTo(-0.40132, 4);
  });

  test('at most 2950 frames (29.5 s); silence is all at the floor', () => {
    expect(new WhisperFeatureComputer(80).compute(new Float32Array(16000 * 31)).numFrames).toBe(WHISPER_MAX_FEATURE_FRAMES);
    const silent = new WhisperFeatureComputer(128).compute(new Float32Array(1600));
    expect(silent.dim).toBe(128);
    expect(new Set(silent.data).size).toBe(1);
    expect(silent.data[0]).toBeCloseTo((-10 + 4) / 4, 6);
  });
});
