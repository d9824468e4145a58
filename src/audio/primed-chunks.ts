/**
 * Waits for the first chunk of a chunk stream and returns a stream that yields it and then the rest, so that
 * a file that fails to decode at all fails here, before a caller commits to a response (an SSE stream's
 * 200 is sent before its first event). An empty stream stays empty.
 */
export async function primeChunks(chunks: AsyncIterable<Float32Array>): Promise<AsyncIterable<Float32Array>> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  async function* rest(): AsyncGenerator<Float32Array> {
    if (first.done) return;
    try {
      yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  }
  return rest();
}
