import { z } from 'zod';

/**
 * The parsers of config.ts's variable values that are more than a type and a range: comma lists of API keys,
 * browser origins, OTLP headers, model aliases. Each names its variable's problem in zod's issue.
 */

export const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** `a=b,c=d` → { a: 'b', c: 'd' } */
export const aliasMap = z
  .string()
  .transform((raw, ctx) => {
    const out: Record<string, string> = {};
    for (const pair of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq <= 0 || eq === pair.length - 1) {
        ctx.addIssue({ code: 'custom', message: `expected alias=model-id pairs separated by commas, got "${pair}"` });
        return z.NEVER;
      }
      out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    return out;
  });

/** An API key: visible ASCII, no spaces (it travels in headers, a query string or a WebSocket subprotocol). */
export const API_KEY = /^[\x21-\x7e]+$/;

/** `k1,k2` → ['k1', 'k2']; each key visible ASCII. The keys themselves never appear in error messages. */
export const apiKeyList = z.string().transform((raw, ctx) => {
  const keys = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (keys.some((k) => !API_KEY.test(k))) {
    ctx.addIssue({ code: 'custom', message: 'API keys must be visible ASCII characters without spaces, separated by commas' });
    return z.NEVER;
  }
  return keys;
});

/** `https://a.example,http://localhost:3000` or `*` → normalized origins (`scheme://host[:port]`, as browsers send them). */
export const originList = z.string().transform((raw, ctx) => {
  const out: string[] = [];
  for (const entry of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (entry === '*') {
      out.push('*');
      continue;
    }
    let url: URL | null = null;
    try {
      url = new URL(entry);
    } catch {
      url = null;
    }
    if (!url || !/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search || url.hash || url.username) {
      ctx.addIssue({ code: 'custom', message: `expected origins like https://app.example.com or http://localhost:3000 (or *), got "${entry}"` });
      return z.NEVER;
    }
    out.push(url.origin);
  }
  return out;
});

/** `key1=value1,key2=value2` (OTEL_EXPORTER_OTLP_HEADERS: values URL-encoded, as the OpenTelemetry SDKs read them). */
export const headerList = z.string().transform((raw, ctx) => {
  const out: Record<string, string> = {};
  for (const pair of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      ctx.addIssue({ code: 'custom', message: 'expected key=value pairs separated by commas' });
      return z.NEVER;
    }
    try {
      out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      ctx.addIssue({ code: 'custom', message: 'a header key or value is not valid URL encoding' });
      return z.NEVER;
    }
  }
  return out;
});
