/**
 * Streaming accuracy: held-out clips transcribed whole (as a file upload is) and streamed at real time
 * through the live path (Silero VAD utterances, the open window re-decoded every update, LocalAgreement-2),
 * as the service does it (each window decoded with 1 s of the audio before it, its LM continuing the committed
 * words: `leftContextMs`, `precedingText`), without the preceding text, and cold (neither: every window a new
 * sentence from its first sample) — WER side by side, from one run, per model. Two texts per stream: the
 * finals (each utterance decoded whole once it ends, so the window settings do not touch them) and the live
 * captions (each utterance's last partial before its final: what a viewer read while the person spoke, made of
 * re-decoded windows, so that is where the window settings show).
 *
 * Clips: models/testdata (synthetic held-out voices) and, when Debian's pocketsphinx-testdata is installed,
 * its LibriVox read-speech clips. Each is streamed in 20 ms chunks with 1.5 s of silence after it.
 *
 *   npm run bench:streaming-accuracy     (BENCH_MODELS_DIR; BENCH_MODEL to pick one model; BENCH_VERBOSE=1 prints the texts)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { resample } from '../../src/audio/resample';
import { decodeWav } from '../../src/audio/wav';
import { parseConfig } from '../../src/config';
import type { Recognizer, RecognizeOptions } from '../../src/model/recognizer';
import { Services } from '../../src/services';
import type { StreamingEvent } from '../../src/streaming/streaming-events';
import { StreamingTranscriber } from '../../src/streaming/streaming-transcriber';
import { streamingConfigFor } from '../../src/session/streaming-session-config';
import { REPO_ROOT } from './bench-util';
import { wordErrorRate } from './text-metrics';

const MODELS_DIR = process.env.BENCH_MODELS_DIR ?? path.join(REPO_ROOT, 'models');
const LIBRIVOX_DIR = '/usr/share/pocketsphinx/test/data/librivox';
const CHUNK_MS = 20;
const TAIL_SILENCE_SEC = 1.5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Clip {
  name: string;
  samples: Float32Array;
  reference: string;
}

function clips(): Clip[] {
  const out: Clip[] = [];
  const testdata = path.join(MODELS_DIR, 'testdata');
  if (existsSync(path.join(testdata, 'transcripts.json'))) {
    const list = JSON.parse(readFileSync(path.join(testdata, 'transcripts.json'), 'utf8')) as { clips: { file: string; reference: string }[] };
    for (const c of list.clips) out.push({ name: c.file, samples: load(path.join(testdata, c.file)), reference: c.reference });
  }
  if (existsSync(path.join(LIBRIVOX_DIR, 'transcription'))) {
    for (const line of readFileSync(path.join(LIBRIVOX_DIR, 'transcription'), 'utf8').split('\n')) {
      const m = /^<s> (.*) <\/s> \((.+)\)$/.exec(line.trim());
      if (m) out.push({ name: `${m[2]}.wav`, samples: load(path.join(LIBRIVOX_DIR, `${m[2]}.wav`)), reference: m[1] });
    }
  }
  return out;
}

function load(file: string): Float32Array {
  const audio = decodeWav(readFileSync(file));
  return resample(audio.samples, audio.sampleRateHz, 16000);
}

/** The recognizer as given, or one that never passes the preceding text on (every window a new sentence). */
function withoutPrecedingText(r: Recognizer): Recognizer {
  return {
    modelId: r.modelId,
    sampleRateHz: r.sampleRateHz,
    recognize: (samples: Float32Array, options: RecognizeOptions = {}) => r.recognize(samples, { ...options, precedingText: undefined }),
  };
}

interface Streamed {
  /** The finals' text. */
  finals: string;
  /** Each utterance's last partial before its final (stable and unstable words), joined. */
  captions: string;
}

/** Streams one clip at real time and returns its finals' and its live captions' text. */
async function stream(services: Services, recognizer: Recognizer, clip: Clip, leftContextMs?: number): Promise<Streamed> {
  const finals: string[] = [];
  const captions: string[] = [];
  const lastPartial = new Map<number, string>();
  const config = streamingConfigFor(services.config, 'server_vad');
  const onEvent = (e: StreamingEvent): void => {
    if (e.type === 'partial') lastPartial.set(e.utteranceIndex, e.text);
    if (e.type !== 'final') return;
    if (e.text) finals.push(e.text);
    const caption = lastPartial.get(e.utteranceIndex);
    if (caption) captions.push(caption);
  };
  const transcriber = new StreamingTranscriber({ recognizer, vad: services.vad, onEvent }, { ...config, leftContextMs: leftContextMs ?? config.leftContextMs });
  const padded = new Float32Array(clip.samples.length + TAIL_SILENCE_SEC * 16000);
  padded.set(clip.samples);
  const chunk = (16000 * CHUNK_MS) / 1000;
  const started = performance.now();
  for (let at = 0, i = 0; at < padded.length; at += chunk, i++) {
    transcriber.pushAudio(padded.slice(at, at + chunk));
    const wait = started + (i + 1) * CHUNK_MS - performance.now();
    if (wait > 0) await sleep(wait);
  }
  await transcriber.end();
  return { finals: finals.join(' '), captions: captions.join(' ') };
}

async function main(): Promise<void> {
  const env = { PORT: '0', HOST: '127.0.0.1', MODELS_DIR, INFERENCE_WORKERS: '2', INFERENCE_THREADS_PER_WORKER: '1', LOG_LEVEL: 'silent' };
  const services = new Services(parseConfig(env), pino({ level: 'silent' }));
  await services.start();
  const all = clips();
  const ids = services.registry.entries.map((e) => e.id).filter((id) => !process.env.BENCH_MODEL || id === process.env.BENCH_MODEL);
  const seconds = all.reduce((s, c) => s + c.samples.length / 16000, 0);
  console.log(`streaming accuracy: ${all.length} clips, ${seconds.toFixed(1)} s of speech, ${CHUNK_MS} ms chunks at real time, decoding ${JSON.stringify(services.config.decoding)}`);
  for (const id of ids) {
    const recognizer = services.recognizer(id);
    const rows: { name: string; file: number; finals: number; primed: number; unprimed: number; cold: number }[] = [];
    for (const clip of all) {
      const whole = await recognizer.recognize(clip.samples);
      // The streaming variants side by side, concurrently, over the same real-time span: as the service runs;
      // without the preceding text; and with neither it nor left audio context (each window heard cold).
      const [primed, unprimed, cold] = await Promise.all([
        stream(services, recognizer, clip),
        stream(services, withoutPrecedingText(recognizer), clip),
        stream(services, withoutPrecedingText(recognizer), clip, 0),
      ]);
      if (process.env.BENCH_VERBOSE) console.log(`  ${clip.name}\n    ref:      ${clip.reference}\n    file:     ${whole.text}\n    finals:   ${primed.finals}\n    captions: ${primed.captions}\n    unprimed: ${unprimed.captions}\n    cold:     ${cold.captions}`);
      const wer = (text: string) => wordErrorRate(clip.reference, text);
      rows.push({ name: clip.name, file: wer(whole.text), finals: wer(primed.finals), primed: wer(primed.captions), unprimed: wer(unprimed.captions), cold: wer(cold.captions) });
    }
    // Word-weighted WER over all clips.
    const words = all.map((c) => c.reference.split(/\s+/).length);
    const total = words.reduce((a, b) => a + b, 0);
    const mean = (k: 'file' | 'finals' | 'primed' | 'unprimed' | 'cold') => (100 * rows.reduce((s, r, i) => s + r[k] * words[i], 0)) / total;
    const pct = (x: number) => `${(100 * x).toFixed(0).padStart(3)}%`;
    console.log(`\n${id}`);
    for (const r of rows) console.log(`  ${r.name.padEnd(48)} file ${pct(r.file)}  finals ${pct(r.finals)}  captions ${pct(r.primed)} (no preceding text ${pct(r.unprimed)}, cold windows ${pct(r.cold)})`);
    console.log(`  WER over ${total} words: file ${mean('file').toFixed(1)}%, streamed finals ${mean('finals').toFixed(1)}%; live captions ${mean('primed').toFixed(1)}%, without preceding text ${mean('unprimed').toFixed(1)}%, cold windows (neither it nor 1 s of left audio) ${mean('cold').toFixed(1)}%`);
  }
  await services.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
