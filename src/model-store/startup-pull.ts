import type { Logger } from 'pino';
import type { Config } from '../config';
import { ModelPuller, pullAll } from './model-puller';

/** MODELS_PULL: pulls the named models into MODELS_DIR before the models are scanned (installed ones are skipped). */
export async function pullStartupModels(config: Pick<Config, 'modelsDir' | 'modelsPull' | 'modelMirrorUrl' | 'modelPrecision'>, logger: Logger): Promise<void> {
  if (config.modelsPull.length === 0) return;
  const puller = new ModelPuller({ modelsDir: config.modelsDir, mirrorUrl: config.modelMirrorUrl, precision: config.modelPrecision });
  logger.info({ models: config.modelsPull }, 'pulling models (MODELS_PULL)');
  await pullAll(puller, config.modelsPull, (m) =>
    logger.info({ model: m.id, dir: m.dir, kind: m.layout.kind }, m.alreadyInstalled ? `model ${m.id} is already installed` : `pulled model ${m.id}`),
  );
}
