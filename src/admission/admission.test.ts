import type { IncomingMessage } from 'node:http';
import pino from 'pino';
import { Admission } from './admission';

const upgrade = (url: string, headers: IncomingMessage['headers']) => ({ url, headers }) as IncomingMessage;

function captureLogs(): { logger: pino.Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as { level: number; msg: string }) });
  return { logger, lines };
}

describe('Admission', () => {
  const keyed = new Admission({ apiKeys: ['sk-test'], corsOrigins: ['https://app.example'] });
  const open = new Admission({ apiKeys: [], corsOrigins: [] });

  test.each([
    ['/health', {}, null],
    ['/ready/', {}, null],
    ['/HEALTH', {}, null],
    ['/metrics', {}, 401],
    ['/status', {}, 401],
    ['/v1/models', {}, 401],
    ['/v1/models', { authorization: 'Bearer sk-test' }, null],
    ['/v1/models', { 'x-api-key': 'sk-test' }, null],
    ['/v1/models', { authorization: 'Bearer sk-tes' }, 401],
    ['/no/such/route', {}, 401],
  ])('HTTP %s with %j → %s', (path, headers, status) => {
    const refusal = keyed.checkHttp(path, headers);
    expect(refusal?.status ?? null).toBe(status);
    if (refusal) expect(refusal.toBody().error).toMatchObject({ type: 'invalid_request_error', param: null, code: 'invalid_api_key' });
    expect(open.checkHttp(path, headers)).toBeNull();
  });

  test.each([
    ['/v1/realtime?api_key=sk-test', {}, null],
    ['/v1/realtime', { 'sec-websocket-protocol': 'realtime, openai-insecure-api-key.sk-test' }, null],
    ['/v1/realtime', { 'sec-websocket-protocol': 'realtime, openai-insecure-api-key.wrong' }, 401],
    ['/v1/audio/transcriptions', { authorization: 'Bearer sk-test', origin: 'https://app.example' }, null],
    ['/v1/audio/transcriptions', { authorization: 'Bearer sk-test', origin: 'https://evil.example' }, 403],
    ['/v1/audio/transcriptions', {}, 401],
  ])('upgrade %s with %j → %s', (url, headers, status) => {
    expect(keyed.checkUpgrade(upgrade(url, headers))?.status ?? null).toBe(status);
  });

  test('with no keys, upgrades pass unless a browser Origin is not allowed', () => {
    expect(open.checkUpgrade(upgrade('/v1/realtime', {}))).toBeNull();
    expect(open.checkUpgrade(upgrade('/v1/realtime', { origin: 'https://app.example' }))?.toBody().error.code).toBe('origin_not_allowed');
  });

  test('the startup log warns when no keys are configured, and never shows a key', () => {
    const none = captureLogs();
    Admission.fromConfig({ apiKeys: [], corsOrigins: [] }, none.logger);
    expect(none.lines).toEqual([expect.objectContaining({ level: 40, msg: expect.stringMatching(/no API keys configured.*open/) })]);
    const some = captureLogs();
    Admission.fromConfig({ apiKeys: ['sk-secret-1'], corsOrigins: [] }, some.logger);
    expect(some.lines.map((l) => l.level)).toEqual([30]);
    expect(JSON.stringify(some.lines)).not.toContain('sk-secret-1');
  });
});
