import type { Context, Span, Tracer } from '@opentelemetry/api';
import type { TracingConfig } from '../config';
import { REQUEST_ID_ATTRIBUTE, type SpanAttributes, type TraceSpan, type Tracing } from './trace-span';

type Api = typeof import('@opentelemetry/api');

/** performance.now() ms → epoch ms, the time OpenTelemetry records. */
const epochMs = (perfMs: number) => performance.timeOrigin + perfMs;

/**
 * OpenTelemetry tracing over OTLP/HTTP (protobuf or JSON): a tracer provider with a batch span processor,
 * no global registration and no context manager (parents are passed explicitly, so no async hooks run).
 * The packages are loaded here, on demand: with tracing off none of them is ever required.
 */
export async function startTracing(config: Readonly<TracingConfig>, onExportError?: (message: string) => void): Promise<Tracing> {
  const api = await import('@opentelemetry/api');
  const { BasicTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
  const { OTLPTraceExporter } = config.protocol === 'http/json' ? await import('@opentelemetry/exporter-trace-otlp-http') : await import('@opentelemetry/exporter-trace-otlp-proto');
  const exporter = new OTLPTraceExporter({ url: config.url, headers: { ...config.headers } });
  if (onExportError) {
    // The exporter reports failures through the API's diagnostic logger; only errors are passed on.
    api.diag.setLogger({ error: (message: string) => onExportError(message), warn: () => undefined, info: () => undefined, debug: () => undefined, verbose: () => undefined }, api.DiagLogLevel.ERROR);
  }
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: config.scheduleDelayMs })],
  });
  const tracer = provider.getTracer('onnx-stt-server');
  const propagator = new W3CTraceContextPropagator();

  return {
    startRequest(name, { startMs, requestId, headers, attributes }) {
      const parent = propagator.extract(api.ROOT_CONTEXT, headers, api.defaultTextMapGetter);
      const base = { [REQUEST_ID_ATTRIBUTE]: requestId };
      const span = tracer.startSpan(name, { kind: api.SpanKind.SERVER, startTime: epochMs(startMs), attributes: { ...base, ...attributes } }, parent);
      return new OtelSpan(api, tracer, span, base);
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}

class OtelSpan implements TraceSpan {
  private ended = false;

  constructor(
    private readonly api: Api,
    private readonly tracer: Tracer,
    private readonly span: Span,
    private readonly base: SpanAttributes,
  ) {}

  record(name: string, startMs: number, endMs: number, attributes?: SpanAttributes, error?: unknown): TraceSpan {
    const child = this.start(name, startMs, attributes);
    child.end(endMs, error);
    return child;
  }

  start(name: string, startMs: number = performance.now(), attributes?: SpanAttributes): TraceSpan {
    const context: Context = this.api.trace.setSpan(this.api.ROOT_CONTEXT, this.span);
    const span = this.tracer.startSpan(name, { startTime: epochMs(startMs), attributes: { ...this.base, ...attributes } }, context);
    return new OtelSpan(this.api, this.tracer, span, this.base);
  }

  setAttributes(attributes: SpanAttributes): void {
    this.span.setAttributes(attributes);
  }

  end(endMs: number = performance.now(), error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    if (error !== undefined) {
      const message = error instanceof Error ? error.message : String(error);
      this.span.setStatus({ code: this.api.SpanStatusCode.ERROR, message });
      if (error instanceof Error) this.span.recordException(error);
    }
    this.span.end(epochMs(endMs));
  }
}
