import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** The WebSocket subprotocol OpenAI's browser clients carry their key in: `openai-insecure-api-key.<key>`. */
export const KEY_SUBPROTOCOL_PREFIX = 'openai-insecure-api-key.';

/** The subprotocol the server answers with when a client offers it (OpenAI's Realtime clients do). */
export const PREFERRED_SUBPROTOCOL = 'realtime';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

const firstValue = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** Keys an HTTP request presents: `Authorization: Bearer <key>` (the OpenAI SDKs) and `x-api-key: <key>`. */
export function headerCredentials(headers: IncomingHttpHeaders): string[] {
  const out: string[] = [];
  const bearer = BEARER.exec(firstValue(headers.authorization) ?? '');
  if (bearer) out.push(bearer[1]);
  const apiKey = firstValue(headers['x-api-key'])?.trim();
  if (apiKey) out.push(apiKey);
  return out;
}

/** The subprotocols a WebSocket upgrade offers (`Sec-WebSocket-Protocol`), in the client's order. */
export function offeredSubprotocols(headers: IncomingHttpHeaders): string[] {
  const raw = headers['sec-websocket-protocol'];
  return (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Keys a WebSocket upgrade presents: the HTTP headers, the `openai-insecure-api-key.<key>` subprotocol
 * (browsers cannot set headers on a WebSocket) and the `api_key` query parameter.
 */
export function upgradeCredentials(req: IncomingMessage): string[] {
  const out = headerCredentials(req.headers);
  for (const p of offeredSubprotocols(req.headers)) if (p.startsWith(KEY_SUBPROTOCOL_PREFIX)) out.push(p.slice(KEY_SUBPROTOCOL_PREFIX.length));
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams.get('api_key');
  if (query) out.push(query);
  return out;
}

/**
 * The subprotocol to accept among those a client offers: `realtime` when offered, else the first one that
 * does not carry a key; never the key itself (the answer is visible to anything between client and server).
 * `false`: accept none (a client that offered only its key must also offer another protocol, as OpenAI's do).
 */
export function selectSubprotocol(offered: ReadonlySet<string>): string | false {
  if (offered.has(PREFERRED_SUBPROTOCOL)) return PREFERRED_SUBPROTOCOL;
  for (const p of offered) if (!p.startsWith(KEY_SUBPROTOCOL_PREFIX)) return p;
  return false;
}
