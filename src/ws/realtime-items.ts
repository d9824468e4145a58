import { randomUUID } from 'node:crypto';
import type { LiveSessionEvent } from '../session/live-session';
import type { FinalEvent, PartialEvent } from '../streaming/streaming-events';
import { SentWords, spelledTokens, stableWordsOf } from '../streaming/word-tokens';
import { logprobEntries } from '../transcription/logprob-entries';
import type { RealtimeSessionState } from './realtime-protocol';

export const newRealtimeId = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '')}`.slice(0, prefix.length + 21);

type Send = (type: string, fields?: object) => void;

/**
 * Renders a Realtime session's live events as OpenAI Realtime transcription events: one conversation item per
 * utterance (committed, added/created, append-only transcription deltas, `.completed` with usage, `.done`),
 * keeping item ids across the live sessions a connection runs (a `session.update` that changes how audio is
 * processed starts a new one: `generation` tells their utterances apart, `offsetMs` keeps audio times counted
 * from the connection's first audio).
 */
export class RealtimeItems {
  private readonly items = new Map<string, string>();
  private readonly committed = new Set<string>();
  private readonly previous = new Map<string, string | null>();
  private readonly sentWords = new SentWords();
  private lastItemId: string | null = null;

  constructor(
    private readonly send: Send,
    private readonly state: () => RealtimeSessionState,
  ) {}

  /** The handler of one live session's events. */
  handlerFor(generation: number, offsetMs: number, onError: (err: unknown) => void): (event: LiveSessionEvent) => void {
    return (event) => {
      const key = event.type === 'error' && event.utteranceIndex === undefined ? '' : `${generation}:${(event as { utteranceIndex: number }).utteranceIndex}`;
      switch (event.type) {
        case 'speech_started':
          return this.send('input_audio_buffer.speech_started', { audio_start_ms: Math.round(offsetMs + event.audioStartMs), item_id: this.itemFor(key) });
        case 'speech_stopped':
          this.send('input_audio_buffer.speech_stopped', { audio_end_ms: Math.round(offsetMs + event.audioEndMs), item_id: this.itemFor(key) });
          return this.announceCommit(key);
        case 'partial':
          return this.delta(key, event);
        case 'final':
          return this.final(key, event);
        case 'error':
          if (event.utteranceIndex === undefined) return onError(event.error);
          return this.send('conversation.item.input_audio_transcription.failed', {
            item_id: this.itemFor(key),
            content_index: 0,
            error: { type: 'server_error', code: event.error.code, message: event.error.message, param: event.error.param },
          });
      }
    };
  }

  private final(key: string, event: FinalEvent): void {
    this.announceCommit(key);
    const itemId = this.itemFor(key);
    this.delta(key, event);
    this.sentWords.forget(key);
    const { logprobs, flavor } = this.state();
    const seconds = Math.max(0, event.endSec - event.startSec);
    this.send('conversation.item.input_audio_transcription.completed', {
      item_id: itemId,
      content_index: 0,
      transcript: event.text,
      ...(logprobs ? { logprobs: logprobEntries(spelledTokens(event.words, false)) } : {}),
      usage: { type: 'duration', seconds: Math.round(seconds * 1000) / 1000 },
    });
    if (flavor === 'ga') this.send('conversation.item.done', { previous_item_id: this.previous.get(key) ?? null, item: userItem(itemId, event.text) });
  }

  /** An append-only delta of the words a partial (or final) made stable, with only their tokens' logprobs. */
  private delta(key: string, event: PartialEvent | FinalEvent): void {
    if (!event.stableDelta) return;
    const { fresh, before } = this.sentWords.take(key, stableWordsOf(event));
    const logprobs = this.state().logprobs ? { logprobs: logprobEntries(spelledTokens(fresh, before > 0)) } : {};
    this.send('conversation.item.input_audio_transcription.delta', { item_id: this.itemFor(key), content_index: 0, delta: event.stableDelta, ...logprobs });
  }

  private itemFor(key: string): string {
    let id = this.items.get(key);
    if (!id) {
      id = newRealtimeId('item');
      this.items.set(key, id);
    }
    return id;
  }

  private announceCommit(key: string): void {
    if (this.committed.has(key)) return;
    this.committed.add(key);
    const itemId = this.itemFor(key);
    this.send('input_audio_buffer.committed', { previous_item_id: this.lastItemId, item_id: itemId });
    this.previous.set(key, this.lastItemId);
    const item = userItem(itemId, null);
    if (this.state().flavor === 'beta') this.send('conversation.item.created', { previous_item_id: this.lastItemId, item });
    else this.send('conversation.item.added', { previous_item_id: this.lastItemId, item });
    this.lastItemId = itemId;
  }
}

function userItem(id: string, transcript: string | null): object {
  return { id, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript }] };
}
