import type { ResponseFormat, TimestampGranularity } from '../http/response-formats';

/** What `transcribe` asks for each file: the fields of OpenAI's transcription request. */
export interface TranscriptionRequest {
  model?: string;
  language?: string;
  prompt?: string;
  responseFormat: ResponseFormat;
  timestampGranularities: TimestampGranularity[];
}

/** Reports work done on one file: bytes uploaded, or seconds of audio processed. */
export interface TranscriptionProgress {
  onStage(stage: 'upload' | 'audio', total: number | undefined): void;
  onAdvance(value: number): void;
  onDone(): void;
}

/** Transcribes one file into the response body of the requested format (in-process or over HTTP). */
export interface Transcriber {
  transcribe(file: import('./input-file').InputFile, request: TranscriptionRequest, progress: TranscriptionProgress): Promise<string>;
  close(): Promise<void>;
}
