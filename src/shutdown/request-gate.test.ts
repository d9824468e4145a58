import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RequestGate } from './request-gate';

/** The gate in front of the request listener: counts requests in flight, refuses new ones once draining. */
describe('RequestGate', () => {
  test('counts requests until their responses end; after startDraining new ones get 503 + Connection: close', async () => {
    const gate = new RequestGate();
    let release: () => void = () => undefined;
    const server = http.createServer(
      gate.wrap((req, res) => {
        if (req.url === '/slow') release = () => res.end('slow done');
        else res.end('ok');
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const slow = fetch(`${base}/slow`);
      while (gate.size === 0) await new Promise((r) => setTimeout(r, 5));
      expect(gate.size).toBe(1);
      gate.startDraining();
      let idle = false;
      const idlePromise = gate.idle().then(() => (idle = true));

      const refused = await fetch(`${base}/other`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('connection')).toBe('close');
      expect(refused.headers.get('retry-after')).toBe('2');
      expect(await refused.json()).toMatchObject({ error: { code: 'shutting_down', type: 'service_unavailable_error' } });
      expect(idle).toBe(false);

      release();
      const res = await slow;
      expect(await res.text()).toBe('slow done');
      // The response of a request in flight when draining began asks the client to close the connection.
      expect(res.headers.get('connection')).toBe('close');
      await idlePromise;
      expect(gate.size).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  test('idle() resolves at once with nothing in flight', async () => {
    await expect(new RequestGate().idle()).resolves.toBeUndefined();
  });
});
