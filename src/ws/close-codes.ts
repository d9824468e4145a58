/** WebSocket close codes the streaming endpoints use (RFC 6455 §7.4.1 and the IANA registry). */
export const CloseCode = {
  /** The stream ended as asked. */
  NORMAL: 1000,
  /** The server is shutting down (sent after the stream's last final). */
  GOING_AWAY: 1001,
  /**
   * A limit was reached — no audio for STREAM_IDLE_TIMEOUT_SEC, MAX_STREAM_DURATION_SEC of audio,
   * MAX_STREAM_WALL_SEC of wall-clock time (after an `error` naming it and the final of the audio heard) —
   * or the endpoint was misused.
   */
  POLICY_VIOLATION: 1008,
  /** A message larger than the configured maximum (sent by `ws` itself). */
  MESSAGE_TOO_BIG: 1009,
  /** An unexpected server error. */
  INTERNAL_ERROR: 1011,
  /** The server is at capacity (too many streams, or this stream fell too far behind); retry later. */
  TRY_AGAIN_LATER: 1013,
} as const;
