import { ConfigError, parseConfig } from '../config';

describe('tracing configuration', () => {
  test.each([
    [{}, null],
    [{ OTEL_TRACES_ENABLED: 'true' }, 'http://localhost:4318/v1/traces'],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, 'http://localhost:4318/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, 'http://collector:4318/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otel.example/api/traces' }, 'https://otel.example/api/traces'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_ENABLED: 'false' }, null],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }, null],
    [{ OTEL_TRACES_ENABLED: 'true', OTEL_TRACES_EXPORTER: 'none' }, null],
  ])('%p -> traces to %p', (env, url) => {
    expect(parseConfig(env).tracing?.url ?? null).toBe(url);
  });

  test('protocol, headers, service name and export delay', () => {
    const tracing = parseConfig({
      OTEL_TRACES_ENABLED: 'true',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s%3Dcret, x-tenant=a',
      OTEL_SERVICE_NAME: 'stt-eu',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    }).tracing;
    expect(tracing).toEqual({ url: 'http://localhost:4318/v1/traces', protocol: 'http/json', headers: { 'api-key': 's=cret', 'x-tenant': 'a' }, serviceName: 'stt-eu', scheduleDelayMs: 100 });
  });

  test('defaults: protobuf, no headers, 5 s batches', () => {
    expect(parseConfig({ OTEL_TRACES_ENABLED: 'true' }).tracing).toMatchObject({ protocol: 'http/protobuf', headers: {}, serviceName: 'onnx-stt-server', scheduleDelayMs: 5000 });
  });

  test.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{ OTEL_TRACES_ENABLED: 'yes' }, 'OTEL_TRACES_ENABLED'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL'],
  ])('%p is refused naming %s', (env, name) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(name);
  });

  test('a bad header list is refused without showing its value (it may hold a key)', () => {
    expect(() => parseConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'secret-token-without-equals' })).toThrow(/OTEL_EXPORTER_OTLP_HEADERS=<redacted>/);
    expect(() => parseConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'secret-token-without-equals' })).not.toThrow(/secret-token/);
  });
});
