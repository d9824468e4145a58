import WebSocket from 'ws';

/**
 * Unsent bytes a client may leave piling up in the server (it has stopped reading) before its connection is
 * dropped: a stream's messages are small, so this is minutes of backlog, and it bounds the memory one
 * such client can hold.
 */
export const MAX_BUFFERED_SEND_BYTES = 4 * 1024 * 1024;

/**
 * Sends a JSON message if the socket is still open (a closed client must never crash the server). A client
 * that is not reading what it is sent is disconnected once its backlog passes MAX_BUFFERED_SEND_BYTES.
 */
export function sendJson(ws: WebSocket, message: object): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  if (ws.bufferedAmount > MAX_BUFFERED_SEND_BYTES) {
    // A close frame would queue behind the backlog it never reads: drop the connection.
    ws.terminate();
    return;
  }
  ws.send(JSON.stringify(message));
}

/** Closes with a code and a reason trimmed to the 123 bytes the protocol allows. */
export function closeWith(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, Buffer.from(reason).subarray(0, 123).toString());
}
