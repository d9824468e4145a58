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
  ])('rejects %s=%s with a message naming the variable', (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});
