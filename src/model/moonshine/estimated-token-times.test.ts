import { spreadOverVoicedSpan, voicedSpan } from './estimated-token-times';

/** `silenceSec` of silence, `toneSec` of a 440 Hz tone at `amplitude`, then `silenceSec` again (16 kHz). */
function toneBetweenSilences(silenceSec: number, toneSec: number, amplitude = 0.3): Float32Array {
  const pad = Math.round(silenceSec * 16000);
  const tone = Math.round(toneSec * 16000);
  const x = new Float32Array(2 * pad + tone);
  for (let i = 0; i < tone; i++) x[pad + i] = amplitude * Math.sin((2 * Math.PI * 440 * i) / 16000);
  return x;
}

describe('voicedSpan', () => {
  test('the 10 ms frames of the sound between silences', () => {
    expect(voicedSpan(toneBetweenSilences(0.25, 0.5))).toEqual({ startFrame: 25, endFrame: 75 });
  });

  test('faint noise 40 dB below the sound is not voiced', () => {
    const x = toneBetweenSilences(0.2, 0.3);
    for (let i = 0; i < x.length; i++) x[i] += 0.003 * Math.sin(i * 1.7);
    expect(voicedSpan(x)).toEqual({ startFrame: 20, endFrame: 50 });
  });

  test('silence: the whole clip', () => {
    expect(voicedSpan(new Float32Array(1600))).toEqual({ startFrame: 0, endFrame: 10 });
  });
});

describe('spreadOverVoicedSpan', () => {
  const text = ['\u2581one', '\u2581se', 'ven', '\u2581a'];
  test('tokens share the span by their characters (the boundary marker not counted), in order, without gaps', () => {
    const r = spreadOverVoicedSpan([0, 1, 2, 3], [-1, -2, -3, -4], (id) => text[id], { startFrame: 10, endFrame: 100 });
    // 3 + 2 + 3 + 1 = 9 characters over 90 frames: 10 frames each.
    expect(r.map((t) => [t.startFrame, t.endFrame])).toEqual([
      [10, 40],
      [40, 60],
      [60, 90],
      [90, 100],
    ]);
    expect(r.map((t) => t.logProb)).toEqual([-1, -2, -3, -4]);
  });

  test('no tokens: none', () => {
    expect(spreadOverVoicedSpan([], [], () => '', { startFrame: 0, endFrame: 10 })).toEqual([]);
  });
});
