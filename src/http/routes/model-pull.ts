import { Router } from 'express';
import { ApiError } from '../../errors';
import type { Services } from '../../services';

/**
 * POST /v1/models/{id}: downloads a catalog model while serving (as speaches does), then lists it and
 * transcribes with it at once. 201 when it was downloaded, 200 when it was there already. Admission asks for
 * a valid API key first when API keys are configured; with none configured pulling is refused (403) unless
 * ALLOW_MODEL_PULL=true, so an open server cannot be made to download arbitrary gigabytes.
 */
export function modelPullRoutes(services: Services): Router {
  const router = Router();
  router.post('/v1/models/:id', async (req, res) => {
    if (!services.admission.keysRequired && !services.config.allowModelPull) {
      throw new ApiError(403, 'Pulling models needs an API key (API_KEYS or API_KEYS_FILE), or ALLOW_MODEL_PULL=true on a server without keys.', { code: 'model_pull_disabled' });
    }
    // By catalog name only: a client must not make the server fetch a URL of its choosing.
    if (/^[a-z]+:/i.test(req.params.id)) {
      throw new ApiError(400, 'POST /v1/models/{id} pulls a model of the catalog by name; an archive URL is pulled with `onnx-stt-server models pull URL`.', { param: 'model', code: 'invalid_model_id' });
    }
    const { entry, downloaded } = await services.pullModel(req.params.id);
    res.status(downloaded ? 201 : 200).json({ id: entry.id, object: 'model', created: entry.createdSec, owned_by: 'onnx-stt' });
  });
  return router;
}
