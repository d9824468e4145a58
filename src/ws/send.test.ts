import WebSocket from 'ws';
import { MAX_BUFFERED_SEND_BYTES, sendJson } from './send';

function fakeSocket(bufferedAmount: number, readyState: number = WebSocket.OPEN) {
  const sent: string[] = [];
  let terminated = false;
  const ws = {
    readyState,
    bufferedAmount,
    send: (data: string) => sent.push(data),
    terminate: () => {
      terminated = true;
    },
  };
  return { ws: ws as unknown as WebSocket, sent, terminated: () => terminated };
}

describe('sendJson', () => {
  test('sends JSON to an open socket that keeps up', () => {
    const s = fakeSocket(1000);
    sendJson(s.ws, { type: 'partial', text: 'hi' });
    expect(s.sent).toEqual(['{"type":"partial","text":"hi"}']);
    expect(s.terminated()).toBe(false);
  });

  test('drops a client whose unread backlog passed the bound, without queueing more', () => {
    const s = fakeSocket(MAX_BUFFERED_SEND_BYTES + 1);
    sendJson(s.ws, { type: 'partial' });
    expect(s.sent).toEqual([]);
    expect(s.terminated()).toBe(true);
  });

  test('ignores a socket that is no longer open', () => {
    const s = fakeSocket(0, WebSocket.CLOSED);
    sendJson(s.ws, { type: 'final' });
    expect(s.sent).toEqual([]);
  });
});
