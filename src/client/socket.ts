/**
 * The little a streaming client needs from a WebSocket, whichever implementation supplies it: the browser's
 * (and Node 22's) global `WebSocket`, or the `ws` package's class in Node 20. Both offer the `on*` handler
 * properties and `binaryType`; `ws` also takes `{ headers }` as a third constructor argument.
 */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  binaryType: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket class: `globalThis.WebSocket` or `import WebSocket from 'ws'`. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) => object;

/**
 * How the API key reaches the server: `header` (`Authorization: Bearer`, Node clients such as `ws`),
 * `subprotocol` (`openai-insecure-api-key.<key>`, the only way a browser can send it) or `query` (`?api_key=`).
 */
export type KeyTransport = 'header' | 'subprotocol' | 'query';

export interface SocketOptions {
  /** Sent as the key transport says; omit when the server has no API_KEYS. */
  apiKey?: string;
  /** Default: `subprotocol` with the global WebSocket (browsers), `header` with an injected class (`ws`). */
  keyTransport?: KeyTransport;
  /** Default: `globalThis.WebSocket`. In Node 20 pass the `ws` package's class. */
  WebSocket?: WebSocketConstructor;
  /** How long to wait for the socket to open and the server's first message, in ms (default 10 000). */
  connectTimeoutMs?: number;
}

export const WS_OPEN = 1;
const KEY_SUBPROTOCOL_PREFIX = 'openai-insecure-api-key.';

/** An error a streaming client reports: a server `error` message, a refused connection or a lost socket. */
export class StreamClientError extends Error {
  constructor(
    message: string,
    /** The server's error code, or `connection_failed` / `connection_closed` / `timeout` from the client itself. */
    readonly code: string,
    readonly param: string | null = null,
    /** The WebSocket close code, when the error is the socket closing. */
    readonly closeCode: number | null = null,
  ) {
    super(message);
    this.name = 'StreamClientError';
  }
}

/**
 * `http(s)://host[:port]` or `ws(s)://…` with or without a path → the WebSocket URL of `defaultPath` (kept
 * when the URL already names a path), with `query` added.
 */
export function websocketUrl(base: string, defaultPath: string, query: Record<string, string | number | undefined>): string {
  const url = new URL(base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.pathname === '' || url.pathname === '/') url.pathname = defaultPath;
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  return url.toString();
}

/** Opens a socket to `url` offering `protocol`, with the key sent as `options` say. Does not wait for it to open. */
export function openSocket(url: string, protocol: string, options: SocketOptions): WebSocketLike {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  const Ctor = options.WebSocket ?? global;
  if (!Ctor) throw new StreamClientError('No WebSocket implementation: pass options.WebSocket (in Node 20: `import WebSocket from "ws"`).', 'connection_failed');
  const transport = options.keyTransport ?? (options.WebSocket && options.WebSocket !== global ? 'header' : 'subprotocol');
  const protocols = [protocol];
  let headers: Record<string, string> | undefined;
  let target = url;
  if (options.apiKey) {
    if (transport === 'subprotocol') protocols.push(KEY_SUBPROTOCOL_PREFIX + options.apiKey);
    else if (transport === 'header') headers = { Authorization: `Bearer ${options.apiKey}` };
    else {
      const u = new URL(url);
      u.searchParams.set('api_key', options.apiKey);
      target = u.toString();
    }
  }
  const socket = (headers ? new Ctor(target, protocols, { headers }) : new Ctor(target, protocols)) as WebSocketLike;
  socket.binaryType = 'arraybuffer';
  return socket;
}

/** The text of an error event: `ws` gives a message ("Unexpected server response: 401"); browsers give none. */
export function errorEventMessage(event: unknown): string {
  const e = event as { message?: unknown; error?: { message?: unknown } } | null;
  if (e && typeof e.message === 'string' && e.message) return e.message;
  if (e && e.error && typeof e.error.message === 'string') return e.error.message;
  return '';
}

/** The text of a message event's data (the servers send JSON in text frames). */
export function messageText(data: unknown): string | null {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return null;
}
