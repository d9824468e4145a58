import path from 'node:path';
import pino from 'pino';
import { parseConfig } from '../../../src/config';
import { startServer, type RunningServer } from '../../../src/server';
import { Services } from '../../../src/services';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const MODELS_DIR = process.env.TEST_MODELS_DIR ?? path.join(REPO_ROOT, 'models');

export interface TestServer {
  url: string;
  port: number;
  services: Services;
  close(): Promise<void>;
}

/** Starts the real server (real models, real workers) on a free loopback port. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const config = parseConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    MODELS_DIR,
    INFERENCE_WORKERS: '1',
    // Measured capacity depends on how busy the (shared) test machine is: tests of it turn it on themselves.
    CAPACITY_ADMISSION: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const services = new Services(config, pino({ level: config.logLevel }));
  const running: RunningServer = await startServer(services, config.port, config.host);
  await services.start();
  return { url: running.url, port: running.port, services, close: async () => void (await running.close(1000)) };
}
