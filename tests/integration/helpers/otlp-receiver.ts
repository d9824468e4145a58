import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One OTLP/HTTP export request as received. */
export interface OtlpExport {
  path: string;
  contentType: string;
  body: Buffer;
}

/** A span of an OTLP/HTTP JSON export (the fields the tests read). */
export interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: { key: string; value: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean } }[];
  status?: { code?: number };
}

/**
 * A local OTLP/HTTP receiver (a collector's traces endpoint) on 127.0.0.1, port 0: it keeps every export
 * and answers 200 with an empty ExportTraceServiceResponse in the request's encoding.
 */
export async function startOtlpReceiver(): Promise<{ url: string; exports: OtlpExport[]; close(): Promise<void> }> {
  const exports: OtlpExport[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const contentType = String(req.headers['content-type'] ?? '');
      exports.push({ path: req.url ?? '', contentType, body: Buffer.concat(chunks) });
      if (contentType.includes('json')) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    exports,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Every span of JSON exports. */
export function jsonSpans(exports: readonly OtlpExport[]): OtlpJsonSpan[] {
  const spans: OtlpJsonSpan[] = [];
  for (const e of exports) {
    if (!e.contentType.includes('json')) continue;
    const body = JSON.parse(e.body.toString('utf8')) as { resourceSpans?: { scopeSpans?: { spans?: OtlpJsonSpan[] }[] }[] };
    for (const rs of body.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) spans.push(...(ss.spans ?? []));
  }
  return spans;
}

/** A span attribute's value as a string (undefined when absent). */
export function attribute(span: OtlpJsonSpan, key: string): string | undefined {
  const v = span.attributes?.find((a) => a.key === key)?.value;
  if (!v) return undefined;
  return String(v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue);
}

/** Waits until `predicate` holds, polling every 50 ms, up to `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
