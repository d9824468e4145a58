import WebSocket from 'ws';
import { RawHttpSocket } from './helpers/raw-http';
import { startTestServer, type TestServer } from './helpers/test-server';

/** The live-captions page's HTTP side: served at / and /static/ without a key, with security headers; nothing else opened. */
describe('web page routes', () => {
  const KEY = 'page-key';
  let server: TestServer;
  let host: string;

  beforeAll(async () => {
    server = await startTestServer({ API_KEYS: KEY });
    host = new URL(server.url).host;
  });
  afterAll(() => server.close());

  test('GET / serves the page without a key, with a CSP limited to this origin (and its WebSockets)', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('<script type="module" src="/static/web/src/app.js">');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://${host} wss://${host}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  test.each([
    ['/static/style.css', /^text\/css/],
    ['/static/web/src/app.js', /^(text|application)\/javascript/],
    ['/static/web/src/pcm16-worklet.js', /^(text|application)\/javascript/],
    ['/static/src/client/captions-client.js', /^(text|application)\/javascript/],
    ['/static/src/client/realtime-client.js', /^(text|application)\/javascript/],
  ])('%s is served without a key (compiled by npm run build)', async (p, type) => {
    const res = await fetch(`${server.url}${p}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(type);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  test('the browser client is an ES module that imports only its siblings', async () => {
    const js = await (await fetch(`${server.url}/static/src/client/captions-client.js`)).text();
    const imports = [...js.matchAll(/^(?:import|export)[^;]*from '([^']+)'/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    for (const i of imports) expect(i).toMatch(/^\.\/[a-z-]+\.js$/);
  });

  test('the API stays behind the key; a missing static file is a 404, not a way around it', async () => {
    expect((await fetch(`${server.url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${server.url}/static/nope.js`)).status).toBe(404);
    const raw = new RawHttpSocket(server.port);
    await raw.connected;
    raw.write(`GET /static/../v1/models HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    const [head] = await raw.waitForResponses(1);
    expect(head).toMatch(/^HTTP\/1\.1 401/);
  });

  test("a WebSocket from the service's own page (Origin = Host) needs no CORS_ORIGINS entry; another origin still gets 403", async () => {
    const open = (origin: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://${host}/v1/audio/transcriptions`, ['captions.v1', `openai-insecure-api-key.${KEY}`], { origin });
        ws.on('open', () => (ws.close(), resolve(101)));
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
    expect(await open(`http://${host}`)).toBe(101);
    expect(await open('http://evil.example')).toBe(403);
  });
});
