import { FbankComputer, KALDI_FBANK_OPTIONS } from '../../features/fbank';
import { OnlineFeatureStream } from './online-feature-stream';

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe('OnlineFeatureStream', () => {
  const fbank = new FbankComputer(KALDI_FBANK_OPTIONS);
  const signal = Float32Array.from({ length: 16000 + 1234 }, (_, i) => 0.3 * Math.sin(i / 9) + 0.1 * Math.sin(i / 2.3) * Math.cos(i / 700));
  const whole = fbank.compute(signal);

  test.each([
    ['one piece', [signal.length]],
    ['uneven pieces', [1, 399, 160, 2000, 37, 5000, 512]],
    ['one frame shift at a time', [160]],
  ])('%s: the frames equal those of the whole signal, and none is ready before its window has arrived', (_name, pieces) => {
    const stream = new OnlineFeatureStream(fbank);
    let fed = 0;
    for (let i = 0; fed < signal.length; i++) {
      const piece = signal.subarray(fed, fed + pieces[i % pieces.length]);
      fed += piece.length;
      stream.acceptWaveform(piece);
      // Frame i's window is [160 i − 120, 160 i + 280): ready once the last of it has arrived.
      expect(stream.numFramesReady).toBe(fed < 280 ? 0 : Math.floor((fed - 280) / 160) + 1);
    }
    expect(stream.numFramesReady).toBeLessThan(whole.numFrames);
    stream.inputFinished();
    expect(stream.numFramesReady).toBe(whole.numFrames);
    const frames = stream.getFrames(0, whole.numFrames);
    expect(maxAbsDiff(frames, whole.data)).toBeLessThan(1e-4);
  });

  test('frames before a discard point are gone; later ones are kept', () => {
    const stream = new OnlineFeatureStream(fbank);
    stream.acceptWaveform(signal);
    stream.discardBefore(32);
    expect(() => stream.getFrames(31, 1)).toThrow(RangeError);
    expect(maxAbsDiff(stream.getFrames(32, 1), whole.data.subarray(32 * 80, 33 * 80))).toBeLessThan(1e-4);
  });
});
