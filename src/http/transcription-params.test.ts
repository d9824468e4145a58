import { ApiError } from '../errors';
import { parseTranscriptionParams } from './transcription-params';

describe('parseTranscriptionParams', () => {
  test('defaults', () => {
    expect(parseTranscriptionParams({ model: 'whisper-1' })).toEqual({
      model: 'whisper-1',
      language: undefined,
      prompt: undefined,
      responseFormat: 'json',
      temperature: 0,
      timestampGranularities: [],
      stream: false,
      logprobs: false,
    });
  });

  test.each([
    [{ 'timestamp_granularities[]': ['word', 'segment'] }, ['word', 'segment']],
    [{ timestamp_granularities: ['word'] }, ['word']],
    [{ timestamp_granularities: 'segment' }, ['segment']],
  ])('timestamp granularities from %j', (body, expected) => {
    expect(parseTranscriptionParams({ ...body, response_format: 'verbose_json' }).timestampGranularities).toEqual(expected);
  });

  test.each([
    [{ stream: 'true' }, true],
    [{ stream: 'false' }, false],
    [{ temperature: '0.4' }, 0.4],
    [{ language: 'en-US' }, 'en-US'],
    [{ unknown_field: 'x', model: 'm' }, 'm'],
    [{ 'include[]': ['logprobs'], model: 'm' }, 'm'],
  ])('accepts %j', (body, value) => {
    const p = parseTranscriptionParams(body);
    expect([p.stream, p.temperature, p.language, p.model]).toContain(value);
  });

  test.each([
    [{ response_format: 'xml' }, 'response_format'],
    [{ temperature: 'hot' }, 'temperature'],
    [{ temperature: '3' }, 'temperature'],
    [{ stream: 'maybe' }, 'stream'],
    [{ timestamp_granularities: ['char'] }, 'timestamp_granularities'],
    [{ stream: 'true', response_format: 'srt' }, 'stream'],
    [{ model: ['a', 'b'] }, 'model'],
  ])('rejects %j naming %s', (body, param) => {
    try {
      parseTranscriptionParams(body);
      throw new Error('expected a 400');
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(400);
      expect((err as ApiError).param).toBe(param);
    }
  });
});
