import { Router, type Request, type Response } from 'express';
import { ApiError } from '../../errors';
import type { Services } from '../../services';
import { requestSlots } from '../request-context';
import { traceRequest } from '../request-trace';
import { logprobEntries } from '../../transcription/logprob-entries';
import { durationUsage, renderTranscript } from '../response-formats';
import { parseTranscriptionParams } from '../transcription-params';
import { audioUpload } from '../upload';

type Task = 'transcribe' | 'translate';

/** POST /v1/audio/transcriptions and /v1/audio/translations (OpenAI-compatible multipart). */
export function transcriptionRoutes(services: Services): Router {
  const { config, metrics } = services;
  const router = Router();
  const slots = requestSlots(config.maxConcurrentRequests, (n) => metrics.inFlightRequests.set(n), services.capacity ?? undefined);
  const upload = audioUpload({
    maxUploadBytes: config.maxUploadBytes,
    timeoutMs: config.uploadTimeoutSec * 1000,
    minBytesPerSec: config.minUploadBytesPerSec,
    windowSec: config.uploadRateWindowSec,
  });
  // The slot is taken once the upload is in: a slow upload holds none (precheck refuses early when all are busy).
  router.post('/v1/audio/transcriptions', slots.precheck, upload, slots.acquire, (req, res) => handle(services, 'transcribe', req, res));
  router.post('/v1/audio/translations', slots.precheck, upload, slots.acquire, (req, res) => handle(services, 'translate', req, res));
  return router;
}

async function handle(services: Services, task: Task, req: Request, res: Response): Promise<void> {
  const started = performance.now();
  // Spans for upload, decode and transcription (with queue wait, inference, features, decoding) when tracing is on.
  const trace = traceRequest(services.tracing, req, res);
  trace?.record('stt.upload', (res.locals.startedAtMs as number | undefined) ?? started, started, { 'stt.upload_bytes': req.file?.size ?? 0 });
  const params = parseTranscriptionParams(req.body);
  const file = req.file;
  if (!file) throw new ApiError(400, "Missing the audio 'file' field.", { param: 'file', code: 'missing_file' });
  const { engine } = services;
  const modelId = engine.resolveModel(params.model);
  if (task === 'translate' && params.stream) throw new ApiError(400, 'Streaming is not supported for translations.', { param: 'stream', code: 'unsupported_value' });

  // A client that goes away cancels its queued work.
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const decodeStarted = performance.now();
  // The prompt's words are favoured as hotwords (beam search); OpenAI models use it for vocabulary and style.
  trace?.setAttributes({ 'stt.model': modelId });
  const { session, release } = await engine.openFile(
    { filePath: file.path, sizeBytes: file.size, fileName: file.originalname, mimeType: file.mimetype },
    // translate: a multilingual Whisper model's translate task; other models hear English and transcribe it.
    { modelId, prompt: params.prompt, language: params.language, task, signal: abort.signal },
  ).finally(() => trace?.record('stt.audio_decode', decodeStarted, performance.now()));
  res.on('close', release);
  // A WAV header that declares more audio than the file holds: what is there is transcribed, and said so.
  if (session.truncated) res.setHeader('X-Audio-Truncated', 'true');

  if (params.stream) {
    res.status(200).setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.flushHeaders();
    const send = (event: object) => res.write(`data: ${JSON.stringify(event)}\n\n`);
    try {
      // A delta as each utterance is final, while later audio is still being decoded and processed.
      const transcript = await session.transcribe({
        trace,
        onDelta: (delta, logprobs) => send({ type: 'transcript.text.delta', delta, ...(params.logprobs ? { logprobs: logprobEntries(logprobs) } : {}) }),
      });
      send({
        type: 'transcript.text.done',
        text: transcript.text,
        ...(params.logprobs ? { logprobs: logprobEntries(transcript.logprobs) } : {}),
        usage: durationUsage(transcript.durationSec),
      });
    } catch (err) {
      if (!abort.signal.aborted) {
        const body = err instanceof ApiError ? err.toBody() : { error: { message: 'Transcription failed.', type: 'server_error', param: null, code: 'internal_error' } };
        send(body);
        services.logger.error({ err }, 'streamed transcription failed');
      }
    }
    res.end();
    return;
  }

  const transcribeStarted = performance.now();
  const transcript = await session.transcribe({ trace });
  const finished = performance.now();
  const { contentType, body } = renderTranscript(transcript, params.responseFormat, {
    granularities: params.timestampGranularities,
    task,
    logprobs: params.logprobs,
  });
  // Where the time went, for clients and benchmarks (W3C Server-Timing).
  res.setHeader(
    'Server-Timing',
    `upload;dur=${(decodeStarted - ((res.locals.startedAtMs as number | undefined) ?? started)).toFixed(1)}, decode;dur=${(transcribeStarted - decodeStarted).toFixed(1)}, transcribe;dur=${(finished - transcribeStarted).toFixed(1)}`,
  );
  res.status(200).type(contentType).send(body);
}
