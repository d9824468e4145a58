import { Router } from 'express';
import type { ModelRegistry } from '../../model/model-registry';

const OWNER = 'onnx-stt';

/** GET /v1/models and /v1/models/{id} in OpenAI's list/object shapes; aliases are listed as models too. */
export function modelRoutes(registry: ModelRegistry): Router {
  const router = Router();
  const created = (id: string) => registry.resolve(id).createdSec;
  router.get('/v1/models', (_req, res) => {
    const ids = [...registry.entries.map((e) => e.id), ...registry.aliasMap.keys()];
    res.json({ object: 'list', data: ids.map((id) => ({ id, object: 'model', created: created(id), owned_by: OWNER })) });
  });
  router.get('/v1/models/:id', (req, res) => {
    const entry = registry.resolve(req.params.id);
    res.json({ id: req.params.id, object: 'model', created: entry.createdSec, owned_by: OWNER });
  });
  return router;
}
