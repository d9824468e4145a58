import WebSocket from 'ws';

/**
 * The clients of the scale-out test: file uploads in a loop and live caption streams at real time, each outcome
 * counted as admitted-and-answered, refused (an honest 429/503 or close 1013 before any work), or lost.
 */

export interface UploadTally {
  sent: number;
  ok: number;
  /** 429/503 with the OpenAI error body: not admitted, nothing lost. */
  refused: number;
  lost: number;
  lostDetails: string[];
}

export interface StreamTally {
  streams: number;
  /** Connections that got `ready` (admitted), reconnections included. */
  admittedConnections: number;
  refused: number;
  /** Connections the server ended mid-audio with its finals, `end` and close 1001 (a drain), then resumed. */
  drainedMidStream: number;
  utterancesStarted: number;
  finals: number;
  /** Utterances that got `speech_started` but no `final` on their connection. */
  lostFinals: number;
  /** Admitted connections closed without the server's `end`. */
  lostConnections: number;
  lostDetails: string[];
}

export const newUploadTally = (): UploadTally => ({ sent: 0, ok: 0, refused: 0, lost: 0, lostDetails: [] });
export const newStreamTally = (): StreamTally => ({
  streams: 0,
  admittedConnections: 0,
  refused: 0,
  drainedMidStream: 0,
  utterancesStarted: 0,
  finals: 0,
  lostFinals: 0,
  lostConnections: 0,
  lostDetails: [],
});

/** Uploads `wav` again and again until `keepGoing()` is false. */
export async function uploadLoop(baseUrl: string, wav: Uint8Array, keepGoing: () => boolean, tally: UploadTally): Promise<void> {
  while (keepGoing()) {
    tally.sent++;
    const form = new FormData();
    form.append('file', new Blob([wav], { type: 'audio/wav' }), 'clip.wav');
    form.append('model', 'whisper-1');
    try {
      const res = await fetch(`${baseUrl}/v1/audio/transcriptions`, { method: 'POST', body: form, signal: AbortSignal.timeout(60_000) });
      const body = await res.text();
      if (res.status === 200 && (JSON.parse(body) as { text?: string }).text !== undefined) tally.ok++;
      else if ((res.status === 429 || res.status === 503) && body.includes('"error"')) {
        tally.refused++;
        await new Promise((r) => setTimeout(r, 200));
      } else {
        tally.lost++;
        tally.lostDetails.push(`upload: HTTP ${res.status} ${body.slice(0, 120)}`);
      }
    } catch (err) {
      tally.lost++;
      tally.lostDetails.push(`upload: ${(err as Error).message}`);
    }
  }
}

interface ConnectionOutcome {
  /** Bytes of `pcm` sent before the server ended the connection (or all of them). */
  sentBytes: number;
  admitted: boolean;
  refused: boolean;
  sawEnd: boolean;
  closeCode: number;
}

/** One captions connection from byte `fromByte` of `pcm` (16 kHz PCM16), at real time in `chunkMs` chunks. */
function streamConnection(wsUrl: string, pcm: Buffer, fromByte: number, chunkMs: number, tally: StreamTally): Promise<ConnectionOutcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl);
    const chunkBytes = Math.round((16000 * 2 * chunkMs) / 1000);
    const started = new Set<number>();
    const finalized = new Set<number>();
    const outcome: ConnectionOutcome = { sentBytes: fromByte, admitted: false, refused: false, sawEnd: false, closeCode: 0 };
    let timer: NodeJS.Timeout | undefined;
    const sendNext = () => {
      if (ws.readyState !== WebSocket.OPEN || outcome.sawEnd) return;
      if (outcome.sentBytes >= pcm.length) {
        ws.send(JSON.stringify({ type: 'end' }));
        return;
      }
      ws.send(pcm.subarray(outcome.sentBytes, outcome.sentBytes + chunkBytes));
      outcome.sentBytes = Math.min(pcm.length, outcome.sentBytes + chunkBytes);
      timer = setTimeout(sendNext, chunkMs);
    };
    ws.on('unexpected-response', (_req, res) => {
      outcome.refused = res.statusCode === 503 || res.statusCode === 429;
      if (!outcome.refused) tally.lostDetails.push(`stream upgrade: HTTP ${res.statusCode}`);
      res.resume();
      ws.terminate();
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const m = JSON.parse(data.toString()) as { type: string; utterance_id?: number };
      if (m.type === 'ready') {
        outcome.admitted = true;
        sendNext();
      } else if (m.type === 'speech_started' && m.utterance_id !== undefined) started.add(m.utterance_id);
      else if (m.type === 'final' && m.utterance_id !== undefined) finalized.add(m.utterance_id);
      else if (m.type === 'end') outcome.sawEnd = true;
    });
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      clearTimeout(timer);
      outcome.closeCode = code;
      if (!outcome.admitted && code === 1013) outcome.refused = true;
      if (outcome.admitted) {
        tally.utterancesStarted += started.size;
        tally.finals += [...started].filter((id) => finalized.has(id)).length;
        const missing = [...started].filter((id) => !finalized.has(id));
        tally.lostFinals += missing.length;
        if (missing.length > 0) tally.lostDetails.push(`stream: utterances ${missing.join(',')} started without a final (close ${code})`);
      }
      resolve(outcome);
    });
  });
}

/**
 * One client's live stream of `pcm`: when the server ends the connection mid-audio with its finals and `end`
 * (its instance is draining), the client reconnects through the load balancer and goes on from where it was.
 */
export async function liveStream(wsUrl: string, pcm: Buffer, chunkMs: number, tally: StreamTally): Promise<void> {
  tally.streams++;
  let fromByte = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    const outcome = await streamConnection(wsUrl, pcm, fromByte, chunkMs, tally);
    if (outcome.refused) {
      tally.refused++;
      return;
    }
    if (!outcome.admitted) {
      tally.lostConnections++;
      tally.lostDetails.push(`stream: connection failed before ready (close ${outcome.closeCode})`);
      return;
    }
    tally.admittedConnections++;
    if (!outcome.sawEnd) {
      tally.lostConnections++;
      tally.lostDetails.push(`stream: closed ${outcome.closeCode} without the server's end`);
      return;
    }
    if (outcome.sentBytes >= pcm.length) return;
    tally.drainedMidStream++;
    fromByte = outcome.sentBytes;
  }
}
