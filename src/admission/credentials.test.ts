import type { IncomingMessage } from 'node:http';
import { headerCredentials, selectSubprotocol, upgradeCredentials } from './credentials';

const upgrade = (url: string, headers: IncomingMessage['headers']) => ({ url, headers }) as IncomingMessage;

describe('credentials', () => {
  test.each([
    [{ authorization: 'Bearer sk-1' }, ['sk-1']],
    [{ authorization: 'bearer   sk-1 ' }, ['sk-1']],
    [{ authorization: 'Basic c2stMQ==' }, []],
    [{ authorization: 'Bearer' }, []],
    [{ 'x-api-key': ' k2 ' }, ['k2']],
    [{ authorization: 'Bearer a', 'x-api-key': 'b' }, ['a', 'b']],
    [{}, []],
  ])('headers %j present %j', (headers, expected) => {
    expect(headerCredentials(headers)).toEqual(expected);
  });

  test('an upgrade also presents the key subprotocol and the api_key query parameter', () => {
    const req = upgrade('/v1/realtime?model=m&api_key=q%2B1', { 'sec-websocket-protocol': 'realtime, openai-insecure-api-key.p1, openai-beta.realtime-v1', 'x-api-key': 'h1' });
    expect(upgradeCredentials(req)).toEqual(['h1', 'p1', 'q+1']);
    expect(upgradeCredentials(upgrade('/v1/realtime', {}))).toEqual([]);
  });

  test.each([
    [['realtime', 'openai-insecure-api-key.sk'], 'realtime'],
    [['openai-insecure-api-key.sk', 'realtime', 'openai-beta.realtime-v1'], 'realtime'],
    [['openai-insecure-api-key.sk', 'openai-beta.realtime-v1'], 'openai-beta.realtime-v1'],
    [['openai-insecure-api-key.sk'], false],
    [['captions'], 'captions'],
  ])('offered %j → answers %j (never the key)', (offered, expected) => {
    expect(selectSubprotocol(new Set(offered))).toBe(expected);
  });
});
