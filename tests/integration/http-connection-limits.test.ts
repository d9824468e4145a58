import http from 'node:http';
import { startTestServer, type TestServer } from './helpers/test-server';
import { RawHttpSocket } from './helpers/raw-http';
import { RecordingSocket, sleep } from './helpers/ws-client';

/**
 * Connections that never finish their headers (issue 12, defect 4): one address cannot hold more than
 * MAX_CONNECTIONS_PER_IP connections or MAX_STREAMS_PER_IP streams, and half-open connections are dropped
 * after HEADERS_TIMEOUT_SEC, so other clients are still served. The attacker connects from 127.0.0.2
 * (any 127.x address is loopback on Linux).
 */
describe('connection limits', () => {
  let server: TestServer;
  const opened: RawHttpSocket[] = [];
  beforeAll(async () => {
    server = await startTestServer({ MAX_CONNECTIONS: '64', MAX_CONNECTIONS_PER_IP: '16', HEADERS_TIMEOUT_SEC: '2', MAX_STREAMS_PER_IP: '2' });
  });
  afterAll(async () => {
    opened.forEach((s) => s.socket.destroy());
    await server.close();
  });

  async function get(path: string): Promise<number> {
    const res = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    return res.status;
  }

  test('80 half-open sockets from one address leave the server available to others', async () => {
    const attackers = Array.from({ length: 80 }, (_, i) => {
      const s = new RawHttpSocket(server.port, '127.0.0.2');
      // Half of them send part of a request head, half nothing at all.
      if (i % 2 === 0) void s.connected.then(() => s.write('POST /v1/audio/transcriptions HTTP/1.1\r\nHost: x\r\n'), () => undefined);
      opened.push(s);
      return s;
    });
    await sleep(300);
    // Beyond the per-address cap, connections are dropped at once.
    expect(attackers.filter((s) => s.closed).length).toBeGreaterThanOrEqual(80 - 16);
    for (let i = 0; i < 10; i++) expect(await get('/health')).toBe(200);
    // The rest are dropped once HEADERS_TIMEOUT_SEC has passed (checked every second), with or without a byte sent.
    await sleep(3500);
    expect(attackers.filter((s) => !s.closed)).toHaveLength(0);
  }, 30_000);

  test('half-open sockets from many addresses (each under its cap) do not lock out new connections', async () => {
    // 8 addresses × 10 sockets: more than MAX_CONNECTIONS (64), none over MAX_CONNECTIONS_PER_IP (16).
    const attackers = Array.from({ length: 80 }, (_, i) => new RawHttpSocket(server.port, `127.0.1.${1 + (i % 8)}`));
    opened.push(...attackers);
    await Promise.all(attackers.map((s) => s.connected.catch(() => undefined)));
    await sleep(200);
    // Each request on a connection of its own (no kept-alive socket from before the attack).
    const fresh = () =>
      new Promise<number>((resolve) => {
        const req = http.get(`${server.url}/health`, { agent: false, timeout: 3000 }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('timeout', () => req.destroy());
        req.on('error', () => resolve(0));
      });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push(await fresh());
    expect(statuses).toEqual(Array(10).fill(200));
    attackers.forEach((s) => s.socket.destroy());
  }, 30_000);

  test('streams per address are capped with 1013; another address still gets one', async () => {
    const wsUrl = `${server.url.replace(/^http/, 'ws')}/v1/audio/transcriptions`;
    const held = [new RecordingSocket(wsUrl), new RecordingSocket(wsUrl)];
    for (const s of held) await s.waitForType('ready');
    const third = new RecordingSocket(wsUrl);
    expect(await third.closed()).toBe(1013);
    expect(third.ofType('error')[0]).toMatchObject({ code: 'too_many_streams_per_client' });
    const other = new RecordingSocket(wsUrl, { localAddress: '127.0.0.2' });
    await other.waitForType('ready');
    for (const s of [...held, other]) s.ws.close();
    await Promise.all([...held, other].map((s) => s.closed()));
  }, 30_000);
});
