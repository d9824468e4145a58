import type { TokenLogprob } from '../model/recognizer';

/**
 * OpenAI's `logprobs` entries, as the transcription endpoints (HTTP and Realtime) send them: token,
 * natural-log probability (rounded to 1e-6), and the token's UTF-8 bytes.
 */
export function logprobEntries(logprobs: readonly TokenLogprob[]): { token: string; logprob: number; bytes: number[] }[] {
  return logprobs.map((p) => ({ token: p.token, logprob: Math.round(p.logprob * 1e6) / 1e6, bytes: [...Buffer.from(p.token, 'utf8')] }));
}
