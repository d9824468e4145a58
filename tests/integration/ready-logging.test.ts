import { Writable } from 'node:stream';
import pino from 'pino';
import { parseConfig } from '../../src/config';
import { startServer } from '../../src/server';
import { Services } from '../../src/services';
import { MODELS_DIR } from './helpers/test-server';

/** While the models load, `/ready` answers 503 without logging errors (issue 12, defect 11). */
test('/ready probes during model loading are answered 503 and not logged as errors', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const config = parseConfig({ PORT: '0', HOST: '127.0.0.1', MODELS_DIR, INFERENCE_WORKERS: '1', LOG_LEVEL: 'warn' });
  const services = new Services(config, pino({ level: config.logLevel }, sink));
  const running = await startServer(services, config.port, config.host);
  try {
    lines.length = 0; // only what the probes log
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${running.url}/ready`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(await res.json()).toMatchObject({ error: { code: 'not_ready' } });
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(lines.filter((l) => (l.level as number) >= 40)).toEqual([]);
  } finally {
    await services.start();
    await running.close();
  }
}, 60_000);
