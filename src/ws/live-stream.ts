/** A live WebSocket stream (captions or Realtime) as the router sees it, so that the server can end it properly. */
export interface LiveStream {
  /**
   * Ends the stream the way a client's own end would: the audio received so far is processed, the open
   * utterance gets its final (captions: then `end`; Realtime: its turn committed and `...completed`), and
   * the socket is closed with `closeCode`. Resolves once the close is sent; calling it again returns the same.
   */
  finish(closeCode: number, reason: string): Promise<void>;
}
