import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { ApiError } from '../errors';
import { errorMiddleware, notFoundHandler } from './error-middleware';

/** The one error handler: OpenAI's shape, Retry-After, and no internals for unexpected errors. */
describe('errorMiddleware', () => {
  const app = express();
  app.get('/api-error', () => {
    throw new ApiError(503, 'busy', { code: 'server_overloaded', retryAfterSec: 3 });
  });
  app.get('/bug', () => {
    throw new TypeError("Cannot read properties of undefined (reading 'secret') at /srv/app/internal.ts:42");
  });
  app.post('/json', express.json(), (_req, res) => {
    res.json({ ok: true });
  });
  app.use(notFoundHandler);
  app.use(errorMiddleware(pino({ level: 'silent' })));
  let base = '';
  let server: ReturnType<typeof app.listen>;
  beforeAll(async () => {
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  test('ApiError → its status, OpenAI body and Retry-After', async () => {
    const res = await fetch(`${base}/api-error`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toEqual({ error: { message: 'busy', type: 'service_unavailable_error', param: null, code: 'server_overloaded' } });
  });

  test('an unexpected error is a 500 that leaks nothing', async () => {
    const res = await fetch(`${base}/bug`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/secret|internal\.ts|TypeError/);
    expect(JSON.parse(text)).toEqual({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: 'internal_error' } });
  });

  test('malformed JSON bodies are a 400', async () => {
    const res = await fetch(`${base}/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
  });

  test('unknown routes are a 404', async () => {
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
  });
});

describe('errorMiddleware log levels', () => {
  test('a deliberate 503 is logged at info without a stack; a bug at error with its stack', async () => {
    const lines: { level: number; err?: { stack?: string } }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const app = express();
    app.get('/loading', () => {
      throw new ApiError(503, 'The models are still loading.', { code: 'not_ready', retryAfterSec: 2 });
    });
    app.get('/bug', () => {
      throw new TypeError('boom');
    });
    app.use(errorMiddleware(logger));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/loading`)).status).toBe(503);
      expect(lines).toHaveLength(1);
      expect(lines[0].level).toBe(30);
      expect(lines[0].err).toBeUndefined();
      expect((await fetch(`${base}/bug`)).status).toBe(500);
      expect(lines[1].level).toBe(50);
      expect(lines[1].err?.stack).toMatch(/TypeError: boom/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
