import { AudioIngest } from './audio-ingest';

describe('AudioIngest', () => {
  test('24 kHz PCM16 frames become 16 kHz floats, counting received time', () => {
    const ingest = new AudioIngest('pcm16', 24000);
    const frame = Buffer.alloc(2400); // 50 ms at 24 kHz
    let out = 0;
    for (let i = 0; i < 20; i++) out += ingest.push(frame).length;
    out += ingest.flush().length;
    expect(ingest.receivedMs).toBeCloseTo(1000, 6);
    expect(out).toBe(16000);
  });

  test('a frame that is not whole samples throws', () => {
    expect(() => new AudioIngest('pcm16', 16000).push(Buffer.alloc(3))).toThrow(RangeError);
  });
});
