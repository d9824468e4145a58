import 'dotenv/config';
import pino from 'pino';
import { ConfigError, parseConfig } from './config';
import { listenWhilePreparing } from './http/preparing-server';
import { pullStartupModels } from './model-store/startup-pull';
import { startServer } from './server';
import { Services } from './services';

/** Entry point: config → services (models) → server; drains on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n(see .env.example for every variable and its default)\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = pino({ level: config.logLevel });
  // MODELS_PULL: download before the models folder is scanned, so the pulled models are served. The port is
  // held meanwhile (alive on /health, not ready elsewhere), then handed to the real server.
  let port = config.port;
  if (config.modelsPull.length > 0) {
    const tls = config.tlsCertFile ? { certFile: config.tlsCertFile, keyFile: config.tlsKeyFile } : undefined;
    const preparing = await listenWhilePreparing(config.port, config.host, tls);
    logger.info({ url: preparing.url }, `listening on ${config.host}:${preparing.port} (not ready: pulling models)`);
    try {
      await pullStartupModels(config, logger);
    } catch (err) {
      logger.fatal({ err }, `MODELS_PULL failed: ${(err as Error).message}`);
      process.exit(1);
    }
    await preparing.close();
    port = preparing.port;
  }
  const services = new Services(config, logger);
  const running = await startServer(services, port, config.host);
  logger.info({ url: running.url }, `listening on ${config.host}:${running.port}`);
  await services.start();
  logger.info(`ready: POST ${running.url}/v1/audio/transcriptions`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal during shutdown: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceSec: config.shutdownGraceSec }, 'shutting down: not ready, ending live streams with their finals, draining in-flight requests');
    running.close().then(
      (outcome) => {
        if (outcome.drained) logger.info({ ms: outcome.ms }, 'drained: exiting');
        else logger.warn({ ms: outcome.ms, requestsLeft: outcome.requestsLeft }, 'shutdown grace period over: cut what was left, exiting');
        process.exit(0);
      },
      (err) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`fatal: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
