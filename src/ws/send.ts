import WebSocket from 'ws';

/** Sends a JSON message if the socket is still open (a closed client must never crash the server). */
export function sendJson(ws: WebSocket, message: object): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
}

/** Closes with a code and a reason trimmed to the 123 bytes the protocol allows. */
export function closeWith(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, Buffer.from(reason).subarray(0, 123).toString());
}
