/** A running microphone capture: PCM16 chunks at the target rate flow to the callback until `stop()`. */
export interface MicCapture {
  /** The rate the browser captures at (the AudioContext's), before resampling. */
  readonly inputRateHz: number;
  stop(): Promise<void>;
}

/**
 * Opens the microphone (no echo cancellation, noise suppression or gain control: the models want the raw
 * signal) and streams it through the `pcm16-capture` AudioWorklet, which resamples to `targetRateHz` and
 * hands over Int16Array chunks.
 */
export async function startMicCapture(onChunk: (pcm: Int16Array) => void, workletUrl: string, targetRateHz = 16000): Promise<MicCapture> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  const context = new AudioContext();
  try {
    await context.audioWorklet.addModule(workletUrl);
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, 'pcm16-capture', { processorOptions: { targetRateHz, chunkMs: 40 } });
    node.port.onmessage = (event: MessageEvent<Int16Array>) => onChunk(event.data);
    // A silent path to the destination keeps the graph pulling the worklet in every browser.
    const mute = context.createGain();
    mute.gain.value = 0;
    source.connect(node).connect(mute).connect(context.destination);
    await context.resume();
    return {
      inputRateHz: context.sampleRate,
      async stop() {
        node.port.onmessage = null;
        source.disconnect();
        node.disconnect();
        for (const track of stream.getTracks()) track.stop();
        await context.close();
      },
    };
  } catch (err) {
    for (const track of stream.getTracks()) track.stop();
    await context.close();
    throw err;
  }
}
