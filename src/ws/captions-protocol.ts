import { z } from 'zod';

/**
 * The live-captions protocol at `ws(s)://host/v1/audio/transcriptions`. Client → server: an optional JSON
 * `config`, binary audio frames (or JSON `audio` with base64), `commit` to end the utterance now, `end` to
 * flush and close. Server → client: `ready`, `configured`, `speech_started`, `partial`, `speech_stopped`,
 * `final`, `error`, `end`. Times are seconds from the start of the stream.
 */
export const captionsConfigSchema = z.object({
  type: z.literal('config'),
  model: z.string().max(256).optional(),
  language: z.string().max(32).optional(),
  sample_rate: z.number().int().min(8000).max(48000).optional(),
  encoding: z.enum(['pcm16', 'float32', 'mulaw', 'alaw']).optional(),
  /** `server_vad` (default): utterances end at silences. `manual`: only `commit`/`end` end them. */
  turn_detection: z.enum(['server_vad', 'manual']).optional(),
  vad: z
    .object({
      threshold: z.number().gt(0).lt(1).optional(),
      min_silence_ms: z.number().int().min(32).max(10_000).optional(),
      min_speech_ms: z.number().int().min(0).max(10_000).optional(),
      prefix_padding_ms: z.number().int().min(0).max(5_000).optional(),
    })
    .optional(),
});

export const captionsClientMessageSchema = z.discriminatedUnion('type', [
  captionsConfigSchema,
  z.object({ type: z.literal('audio'), audio: z.string().max(16 * 1024 * 1024) }),
  z.object({ type: z.literal('commit') }),
  z.object({ type: z.literal('end') }),
]);

export type CaptionsClientMessage = z.infer<typeof captionsClientMessageSchema>;
export type CaptionsConfig = z.infer<typeof captionsConfigSchema>;

export interface WireWord {
  word: string;
  start: number;
  end: number;
}

export type CaptionsServerMessage =
  | { type: 'ready'; session_id: string; model: string; sample_rate: number; encoding: string; turn_detection: string; protocol: 'captions.v1' }
  | { type: 'configured'; model: string; language: string; sample_rate: number; encoding: string; turn_detection: string }
  | { type: 'speech_started'; utterance_id: number; start: number }
  | { type: 'speech_stopped'; utterance_id: number; end: number }
  | {
      type: 'partial';
      utterance_id: number;
      text: string;
      stable_text: string;
      unstable_text: string;
      /** What this message appended to `stable_text`. */
      delta: string;
      words: WireWord[];
      /** How far this hypothesis trails the audio received so far, in ms (the stream's lag). */
      lag_ms: number;
      is_final: false;
    }
  | {
      type: 'final';
      utterance_id: number;
      text: string;
      start: number;
      end: number;
      reason: string;
      segments: { id: number; start: number; end: number; text: string }[];
      words: WireWord[];
      is_final: true;
    }
  | { type: 'error'; code: string; message: string; param?: string | null }
  | { type: 'end'; duration: number };
