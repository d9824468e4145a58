import client from 'prom-client';
import { ApiError } from '../errors';
import { RefusalMetrics, refusalReason } from './refusal-metrics';

describe('refusalReason', () => {
  test.each([
    [new ApiError(429, 'busy', { code: 'too_many_requests' }), 'too_many_requests'],
    [new ApiError(503, 'full', { code: 'server_overloaded' }), 'server_overloaded'],
    [new ApiError(503, 'full'), 'status_503'],
    [new ApiError(408, 'slow', { code: 'upload_too_slow' }), 'upload_too_slow'],
    [new ApiError(408, 'cancelled', { code: 'cancelled' }), null],
    [new ApiError(400, 'bad', { code: 'invalid_value' }), null],
    [new ApiError(500, 'bug', { code: 'internal_error' }), null],
  ])('%p -> %p', (error, reason) => {
    expect(refusalReason(error)).toBe(reason);
  });
});

describe('RefusalMetrics', () => {
  test('counts refusals by transport and reason, and nothing else', async () => {
    const registry = new client.Registry();
    const refusals = new RefusalMetrics(registry);
    refusals.countError('http', new ApiError(429, 'busy', { code: 'too_many_requests' }));
    refusals.countError('http', new ApiError(400, 'bad', { code: 'invalid_value' }));
    refusals.countError('ws', new ApiError(429, 'lagging', { code: 'stream_lagging' }));
    refusals.count('connection', 'connections_per_ip');
    const text = await registry.metrics();
    expect(text).toContain('stt_refusals_total{transport="http",reason="too_many_requests"} 1');
    expect(text).toContain('stt_refusals_total{transport="ws",reason="stream_lagging"} 1');
    expect(text).toContain('stt_refusals_total{transport="connection",reason="connections_per_ip"} 1');
    expect(text).not.toContain('invalid_value');
  });
});
