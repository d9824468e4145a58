import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, parseConfig } from './config';

describe('parseConfig', () => {
  test('defaults when nothing is set', () => {
    const c = parseConfig({});
    expect(c.port).toBe(8000);
    expect(c.host).toBe('0.0.0.0');
    expect(c.executionProvider).toBe('cpu');
    expect(c.maxUploadBytes).toBe(25 * 1024 * 1024);
    expect(c.decoding).toEqual({ method: 'auto', beamSize: 8 });
    expect(Object.isFrozen(c)).toBe(true);
  });

  test('reads and coerces values; empty strings mean default', () => {
    const c = parseConfig({ PORT: '0', EXECUTION_PROVIDER: 'cuda', INFERENCE_WORKERS: '3', HOST: '' });
    expect(c.port).toBe(0);
    expect(c.executionProvider).toBe('cuda');
    expect(c.inferenceWorkers).toBe(3);
    expect(c.host).toBe('0.0.0.0');
  });

  test('reads the decoding method and beam size', () => {
    expect(parseConfig({ DECODING_METHOD: 'greedy_search', DECODING_BEAM_SIZE: '4' }).decoding).toEqual({ method: 'greedy_search', beamSize: 4 });
  });

  test('parses model aliases', () => {
    const c = parseConfig({ MODEL_ALIASES: 'fast=ctc-a, accurate = rnnt-b' });
    expect(c.modelAliases).toEqual({ fast: 'ctc-a', accurate: 'rnnt-b' });
  });

  test('shutdown, connection and stream limits: defaults and values', () => {
    const d = parseConfig({});
    expect([d.shutdownGraceSec, d.headersTimeoutSec, d.maxConnectionsPerIp, d.maxStreamsPerIp, d.maxStreamWallSec]).toEqual([30, 10, 128, 16, 3600]);
    const c = parseConfig({ SHUTDOWN_GRACE_SEC: '5', HEADERS_TIMEOUT_SEC: '3', MAX_CONNECTIONS_PER_IP: '8', MAX_STREAMS_PER_IP: '2', MAX_STREAM_WALL_SEC: '60' });
    expect([c.shutdownGraceSec, c.headersTimeoutSec, c.maxConnectionsPerIp, c.maxStreamsPerIp, c.maxStreamWallSec]).toEqual([5, 3, 8, 2, 60]);
  });

  test.each([
    ['PORT', '70000'],
    ['PORT', 'abc'],
    ['EXECUTION_PROVIDER', 'tpu'],
    ['INFERENCE_WORKERS', '0'],
    ['MODEL_ALIASES', 'noequals'],
    ['LOG_LEVEL', 'loud'],
    ['DECODING_METHOD', 'viterbi'],
    ['DECODING_BEAM_SIZE', '0'],
    ['STREAM_LEFT_CONTEXT_MS', '6000'],
    ['SHUTDOWN_GRACE_SEC', '0'],
    ['HEADERS_TIMEOUT_SEC', '0'],
    ['MAX_CONNECTIONS_PER_IP', '0'],
    ['MAX_STREAMS_PER_IP', '-1'],
    ['MAX_STREAM_WALL_SEC', '0'],
  ])('rejects %s=%s with a message naming the variable', (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});

describe('API keys and CORS origins', () => {
  const keysFile = (text: string) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stt-keys-')), 'keys.txt');
    fs.writeFileSync(file, text);
    return file;
  };

  test('none by default: no keys, no origins', () => {
    expect(parseConfig({}).apiKeys).toEqual([]);
    expect(parseConfig({}).corsOrigins).toEqual([]);
  });

  test('API_KEYS is comma-separated; API_KEYS_FILE has one key per line (blanks and # comments ignored); both count', () => {
    const file = keysFile('# team keys\nsk-file-1\n\n  sk-file-2  \r\n#sk-commented\nsk-a\n');
    const c = parseConfig({ API_KEYS: ' sk-a, sk-b ,', API_KEYS_FILE: file });
    expect(c.apiKeys).toEqual(['sk-a', 'sk-b', 'sk-file-1', 'sk-file-2']);
    expect(Object.isFrozen(c.apiKeys)).toBe(true);
  });

  test('an unreadable API_KEYS_FILE stops startup naming the variable', () => {
    expect(() => parseConfig({ API_KEYS_FILE: '/nonexistent/keys.txt' })).toThrow(/API_KEYS_FILE=.*ENOENT/);
    expect(() => parseConfig({ API_KEYS_FILE: keysFile('has space\n') })).toThrow(/API_KEYS_FILE=.*key 1/);
  });

  test('a bad API_KEYS value is named but never printed', () => {
    expect(() => parseConfig({ API_KEYS: 'good,bad key' })).toThrow(/API_KEYS=<redacted>/);
    expect(() => parseConfig({ API_KEYS: 'good,bad key' })).not.toThrow(/bad key/);
  });

  test('CORS_ORIGINS normalizes origins as browsers send them, and takes *', () => {
    expect(parseConfig({ CORS_ORIGINS: 'https://App.Example.com/, http://localhost:3000, https://x.example:443' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:3000',
      'https://x.example',
    ]);
    expect(parseConfig({ CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
  });

  test.each(['app.example.com', 'https://app.example.com/path', 'ftp://files.example', 'https://a.example?x=1'])('rejects CORS_ORIGINS=%s', (value) => {
    expect(() => parseConfig({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS/);
  });
});
