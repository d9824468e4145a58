import { CorsPolicy } from './cors-policy';

describe('CorsPolicy', () => {
  test('off by default: no headers at all', () => {
    const p = new CorsPolicy([]);
    expect(p.enabled).toBe(false);
    expect(p.allows('https://a.example')).toBe(false);
    expect(p.responseHeaders('https://a.example')).toEqual({});
  });

  test('a listed origin is echoed, with Vary: Origin; others get only Vary', () => {
    const p = new CorsPolicy(['https://a.example', 'http://localhost:3000']);
    expect(p.responseHeaders('https://a.example')).toMatchObject({ 'Access-Control-Allow-Origin': 'https://a.example', Vary: 'Origin' });
    expect(p.allows('http://localhost:3000')).toBe(true);
    expect(p.allows('https://evil.example')).toBe(false);
    expect(p.responseHeaders('https://evil.example')).toEqual({ Vary: 'Origin' });
    expect(p.responseHeaders(undefined)).toEqual({ Vary: 'Origin' });
  });

  test('* allows any origin with Access-Control-Allow-Origin: *', () => {
    const p = new CorsPolicy(['*']);
    expect(p.allows('https://anything.example')).toBe(true);
    expect(p.responseHeaders('https://anything.example')['Access-Control-Allow-Origin']).toBe('*');
  });

  test('a preflight allows the methods, the key headers and the headers the client asks for', () => {
    const h = new CorsPolicy(['https://a.example']).preflightHeaders('https://a.example', 'X-Stainless-OS, content-type, bad header');
    expect(h['Access-Control-Allow-Methods']).toBe('GET, POST, OPTIONS');
    expect(h['Access-Control-Allow-Headers'].split(', ')).toEqual(['authorization', 'x-api-key', 'content-type', 'x-stainless-os']);
    expect(new CorsPolicy(['https://a.example']).preflightHeaders('https://evil.example', 'authorization')['Access-Control-Allow-Origin']).toBeUndefined();
  });
});
