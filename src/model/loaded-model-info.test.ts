import type { AcousticModel } from './acoustic-model';
import { featureFallbackWarning } from './loaded-model-info';

const model = (kind: AcousticModel['kind'], featureEngine: AcousticModel['featureEngine']) => ({ kind, featureEngine }) as unknown as AcousticModel;

describe('featureFallbackWarning', () => {
  test.each([
    ['nemo-ctc', 'js', true],
    ['transducer', 'js', true],
    ['nemo-transducer', 'js', true],
    ['online-transducer', 'js', true],
    ['nemo-ctc', 'wasm', false],
    // Whisper's log-mel is JavaScript by design; Moonshine takes raw audio.
    ['whisper', 'js', false],
    ['moonshine', 'model', false],
  ] as const)('%s with %s features: warned %s', (kind, engine, warned) => {
    const warning = featureFallbackWarning('m', model(kind, engine));
    expect(warning !== undefined).toBe(warned);
    if (warned) expect(warning).toMatch(/^model m: the WebAssembly feature module could not be loaded/);
  });
});
