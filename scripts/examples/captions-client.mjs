#!/usr/bin/env node
// Live captions example: streams a WAV file (any PCM WAV; resampled by the server) in real time over the
// captions WebSocket protocol and prints partial and final transcripts.
//
//   node scripts/examples/captions-client.mjs path/to/audio.wav [ws://127.0.0.1:8000/v1/audio/transcriptions]
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

const [file, url = 'ws://127.0.0.1:8000/v1/audio/transcriptions'] = process.argv.slice(2);
if (!file) {
  console.error('usage: captions-client.mjs <file.wav> [ws-url]');
  process.exit(2);
}

// Minimal WAV reader: finds the fmt and data chunks of a PCM16 file.
const wav = readFileSync(file);
let offset = 12;
let sampleRate = 16000;
let channels = 1;
let pcm = null;
while (offset + 8 <= wav.length) {
  const id = wav.toString('ascii', offset, offset + 4);
  const size = wav.readUInt32LE(offset + 4);
  if (id === 'fmt ') {
    channels = wav.readUInt16LE(offset + 10);
    sampleRate = wav.readUInt32LE(offset + 12);
    if (wav.readUInt16LE(offset + 22) !== 16) throw new Error('this example sends 16-bit PCM WAV only');
  } else if (id === 'data') pcm = wav.subarray(offset + 8, offset + 8 + size);
  offset += 8 + size + (size % 2);
}
if (!pcm) throw new Error('no data chunk');
if (channels !== 1) throw new Error('this example sends mono WAV only');

const ws = new WebSocket(url);
ws.on('message', (data) => {
  const m = JSON.parse(data.toString());
  if (m.type === 'partial') process.stdout.write(`\r\x1b[K… ${m.stable_text}\x1b[2m ${m.unstable_text}\x1b[0m`);
  else if (m.type === 'final') process.stdout.write(`\r\x1b[K[${m.start.toFixed(2)}–${m.end.toFixed(2)}] ${m.text}\n`);
  else if (m.type === 'error') console.error(`\nerror ${m.code}: ${m.message}`);
  else if (m.type === 'ready') console.error(`connected: session ${m.session_id}, model ${m.model}`);
});
ws.on('close', (code, reason) => console.error(`closed ${code} ${reason}`));
ws.on('open', async () => {
  ws.send(JSON.stringify({ type: 'config', sample_rate: sampleRate, encoding: 'pcm16' }));
  const chunkBytes = Math.round(sampleRate * 0.05) * 2; // 50 ms
  for (let at = 0; at < pcm.length; at += chunkBytes) {
    ws.send(pcm.subarray(at, at + chunkBytes));
    await new Promise((r) => setTimeout(r, 50));
  }
  ws.send(JSON.stringify({ type: 'end' }));
});
