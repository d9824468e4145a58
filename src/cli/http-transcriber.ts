import { openAsBlob } from 'node:fs';
import { CliError, EXIT } from './exit-codes';
import type { InputFile } from './input-file';
import { connectionError, endpoint, errorResponseMessage } from './server-url';
import type { Transcriber, TranscriptionProgress, TranscriptionRequest } from './transcription-request';

/** Transcribes files on a running server: a multipart POST to `/v1/audio/transcriptions`, as OpenAI's SDKs send it. */
export class HttpTranscriber implements Transcriber {
  constructor(
    private readonly base: URL,
    private readonly apiKey: string | undefined,
  ) {}

  async transcribe(file: InputFile, request: TranscriptionRequest, progress: TranscriptionProgress): Promise<string> {
    const form = new FormData();
    if (request.model) form.append('model', request.model);
    if (request.language) form.append('language', request.language);
    if (request.prompt) form.append('prompt', request.prompt);
    form.append('response_format', request.responseFormat);
    for (const g of request.timestampGranularities) form.append('timestamp_granularities[]', g);
    form.append('file', await openAsBlob(file.filePath), file.fileName);

    // The encoded form as a stream, counted as the connection takes it: the upload's progress.
    const encoded = new Response(form);
    const contentType = encoded.headers.get('content-type')!;
    progress.onStage('upload', file.sizeBytes);
    let sent = 0;
    const body = encoded.body!.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          controller.enqueue(chunk);
          sent += chunk.byteLength;
          progress.onAdvance(Math.min(sent, file.sizeBytes));
        },
      }),
    );
    const headers: Record<string, string> = { 'content-type': contentType };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    let response: Response;
    try {
      // A stream body needs `duplex: 'half'` (Node's fetch); it goes out with chunked transfer encoding.
      response = await fetch(endpoint(this.base, '/v1/audio/transcriptions'), { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
    } catch (err) {
      throw connectionError(err, this.base) ?? new CliError(`${file.filePath}: the request failed: ${(err as Error).message}`, EXIT.failed);
    } finally {
      progress.onDone();
    }
    const text = await response.text();
    if (!response.ok) throw new CliError(`${file.filePath}: ${errorResponseMessage(response.status, response.statusText, text)}`, EXIT.failed);
    return text;
  }

  async close(): Promise<void> {}
}
