/** WebSocket close codes the streaming endpoints use (RFC 6455 §7.4.1 and the IANA registry). */
export const CloseCode = {
  /** The stream ended as asked. */
  NORMAL: 1000,
  /** The server is shutting down. */
  GOING_AWAY: 1001,
  /** A limit was exceeded (idle timeout, stream duration) or the endpoint was misused. */
  POLICY_VIOLATION: 1008,
  /** A message larger than the configured maximum (sent by `ws` itself). */
  MESSAGE_TOO_BIG: 1009,
  /** An unexpected server error. */
  INTERNAL_ERROR: 1011,
  /** The server is at capacity (too many streams, or this stream fell too far behind); retry later. */
  TRY_AGAIN_LATER: 1013,
} as const;
