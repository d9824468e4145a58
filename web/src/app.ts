import { CaptionsClient, StreamClientError } from '../../src/client/captions-client.js';
import { listModels, transcribeInEveryFormat, type UploadResult } from './api.js';
import { CaptionsView } from './captions-view.js';
import { startMicCapture, type MicCapture } from './mic-capture.js';

/**
 * The live-captions page: microphone → AudioWorklet (16 kHz PCM16) → CaptionsClient over the captions
 * WebSocket; a model picker from GET /v1/models; an upload box for POST /v1/audio/transcriptions.
 */
const WORKLET_URL = '/static/web/src/pcm16-worklet.js';
const KEY_STORAGE = 'onnx-stt.api-key';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  state: byId<HTMLOutputElement>('state'),
  model: byId<HTMLSelectElement>('model'),
  apiKey: byId<HTMLInputElement>('api-key'),
  keyHint: byId<HTMLParagraphElement>('key-hint'),
  start: byId<HTMLButtonElement>('start'),
  stop: byId<HTMLButtonElement>('stop'),
  connectMs: byId('connect-ms'),
  lag: byId('lag'),
  finalLatency: byId('final-latency'),
  sent: byId('sent'),
  micRate: byId('mic-rate'),
  errors: byId<HTMLDivElement>('errors'),
  uploadForm: byId<HTMLFormElement>('upload-form'),
  uploadFile: byId<HTMLInputElement>('upload-file'),
  uploadButton: byId<HTMLButtonElement>('upload-button'),
  uploadResults: byId<HTMLDivElement>('upload-results'),
};
const captions = new CaptionsView(byId<HTMLOListElement>('finals'), byId('partial'), byId('captions-empty'));

type State = 'idle' | 'connecting' | 'live' | 'ending' | 'closed' | 'error';
function setState(state: State, detail = ''): void {
  ui.state.dataset.state = state;
  ui.state.textContent = detail ? `${state} · ${detail}` : state;
  const busy = state === 'connecting' || state === 'live' || state === 'ending';
  ui.start.disabled = busy;
  ui.stop.disabled = state !== 'live';
  ui.model.disabled = busy;
}

function showError(message: string): void {
  const line = document.createElement('div');
  line.textContent = `${new Date().toLocaleTimeString()} ${message}`;
  ui.errors.append(line);
}

const apiKey = () => ui.apiKey.value.trim();

/** Fills the model picker; a 401 shows why and asks for a key. */
async function loadModels(): Promise<void> {
  try {
    const models = await listModels(apiKey());
    if (models === 'unauthorized') {
      ui.keyHint.hidden = false;
      ui.keyHint.textContent = apiKey() ? 'The server refused this API key (401).' : 'This server needs an API key: enter it above.';
      ui.apiKey.focus();
      return;
    }
    ui.keyHint.hidden = true;
    const chosen = ui.model.value;
    ui.model.replaceChildren(new Option('server default', ''), ...models.map((id) => new Option(id, id)));
    ui.model.value = models.includes(chosen) ? chosen : '';
  } catch (err) {
    showError(`Could not list models: ${(err as Error).message}`);
  }
}

let client: CaptionsClient | null = null;
let mic: MicCapture | null = null;

async function start(): Promise<void> {
  ui.errors.replaceChildren();
  captions.clear();
  for (const el of [ui.connectMs, ui.lag, ui.finalLatency, ui.sent, ui.micRate]) el.textContent = '–';
  setState('connecting');
  const stream = new CaptionsClient();
  client = stream;
  const stoppedAt = new Map<number, number>();
  stream.on('partial', (p) => {
    captions.showPartial(p.stable_text, p.unstable_text);
    ui.lag.textContent = `${p.lag_ms} ms`;
  });
  stream.on('speech_stopped', (s) => stoppedAt.set(s.utterance_id, performance.now()));
  stream.on('final', (f) => {
    captions.addFinal(f.start, f.end, f.text);
    const stopped = stoppedAt.get(f.utterance_id);
    if (stopped !== undefined) ui.finalLatency.textContent = `${Math.round(performance.now() - stopped)} ms`;
    ui.sent.textContent = `${stream.sentAudioSec.toFixed(1)} s`;
  });
  stream.on('error', (e) => showError(`${e.code}: ${e.message}`));
  stream.on('close', (c) => {
    void stopMic();
    if (client !== stream) return;
    client = null;
    if (c.code === 1000) setState('closed');
    else {
      setState('error', `closed ${c.code}`);
      showError(`The stream closed: ${c.code}${c.reason ? ` ${c.reason}` : ''}.`);
    }
  });

  const began = performance.now();
  try {
    const ready = await stream.connect(location.origin, { apiKey: apiKey() || undefined, model: ui.model.value || undefined, sampleRate: 16000, encoding: 'pcm16' });
    ui.connectMs.textContent = `${Math.round(performance.now() - began)} ms`;
    mic = await startMicCapture((chunk) => {
      if (!stream.isOpen) return;
      stream.sendAudio(chunk);
      ui.sent.textContent = `${stream.sentAudioSec.toFixed(1)} s`;
    }, WORKLET_URL);
    ui.micRate.textContent = `${mic.inputRateHz} Hz → 16000 Hz`;
    setState('live', ready.model);
  } catch (err) {
    client = null;
    stream.close();
    await stopMic();
    setState('error');
    if (err instanceof StreamClientError && err.code === 'connection_failed') {
      // Browsers do not say why a WebSocket was refused: ask the HTTP side (a 401 means the key).
      await loadModels();
      showError(`Could not connect: ${err.message}${ui.keyHint.hidden ? '' : ' ' + ui.keyHint.textContent}`);
    } else if (err instanceof DOMException) showError(`Microphone: ${err.name}: ${err.message}`);
    else showError(`Could not start: ${(err as Error).message}`);
  }
}

async function stopMic(): Promise<void> {
  const m = mic;
  mic = null;
  if (m) await m.stop();
}

async function stop(): Promise<void> {
  const stream = client;
  client = null; // the close that follows `end` is expected
  setState('ending');
  await stopMic();
  if (!stream) return;
  try {
    const end = await stream.end();
    setState('closed', `${end.duration.toFixed(1)} s of audio`);
  } catch (err) {
    setState('error');
    showError(`Ending the stream: ${(err as Error).message}`);
  }
}

function showUploadResult(r: UploadResult): void {
  const section = document.createElement('section');
  section.dataset.format = r.format;
  if (r.status >= 400) section.className = 'failed';
  const title = document.createElement('h3');
  const meta = document.createElement('small');
  meta.textContent = ` ${r.status} · ${r.elapsedMs} ms`;
  title.append(r.format, meta);
  const body = document.createElement('pre');
  body.textContent = r.body;
  section.append(title, body);
  ui.uploadResults.append(section);
}

async function upload(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const file = ui.uploadFile.files?.[0];
  if (!file) return;
  ui.uploadResults.replaceChildren();
  ui.uploadButton.disabled = true;
  ui.uploadResults.dataset.state = 'running';
  try {
    await transcribeInEveryFormat(file, ui.model.value, apiKey(), showUploadResult);
  } catch (err) {
    showError(`Upload: ${(err as Error).message}`);
  } finally {
    ui.uploadButton.disabled = false;
    ui.uploadResults.dataset.state = 'done';
  }
}

ui.apiKey.value = sessionStorage.getItem(KEY_STORAGE) ?? '';
ui.apiKey.addEventListener('change', () => {
  sessionStorage.setItem(KEY_STORAGE, apiKey());
  void loadModels();
});
ui.start.addEventListener('click', () => void start());
ui.stop.addEventListener('click', () => void stop());
ui.uploadForm.addEventListener('submit', (e) => void upload(e));
setState('idle');
void loadModels();
