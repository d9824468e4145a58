// Validates Kubernetes manifests offline against the Kubernetes OpenAPI schemas that the `kubernetes-models`
// package bundles (validators generated from the upstream OpenAPI definitions: types, formats, required fields,
// enums). Unknown fields are not flagged (the upstream schemas allow them). No cluster or network needed.
//
//   node scripts/deploy/validate-kubernetes.mjs [file-or-folder ...]      (default: deploy/kubernetes)
//
// Prints one line per object; exit code 1 when any object is invalid or of a kind it cannot check.
// ESM because kubernetes-models is published as ES modules only.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** kubernetes-models module of an apiVersion + kind: `apps/v1` Deployment → kubernetes-models/apps/v1/Deployment. */
const modelPath = (apiVersion, kind) => `kubernetes-models/${apiVersion}/${kind}`;

function manifestFiles(targets) {
  return targets.flatMap((t) =>
    statSync(t).isDirectory()
      ? readdirSync(t).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml').sort().map((f) => path.join(t, f))
      : [t],
  );
}

const targets = process.argv.slice(2);
let failures = 0;
for (const file of manifestFiles(targets.length > 0 ? targets : [path.join(root, 'deploy', 'kubernetes')])) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (doc.errors.length > 0) {
      failures++;
      console.log(`INVALID ${file}: YAML: ${doc.errors[0].message}`);
      continue;
    }
    const obj = doc.toJS();
    if (obj === null) continue;
    const label = `${file}: ${obj.kind}/${obj.metadata?.name}`;
    let Model;
    try {
      Model = (await import(modelPath(obj.apiVersion, obj.kind)))[obj.kind];
    } catch {
      Model = undefined;
    }
    if (typeof Model !== 'function') {
      failures++;
      console.log(`INVALID ${label}: no schema for apiVersion ${obj.apiVersion}, kind ${obj.kind}`);
      continue;
    }
    try {
      new Model(obj).validate();
      console.log(`ok      ${label} (${obj.apiVersion})`);
    } catch (err) {
      failures++;
      console.log(`INVALID ${label}: ${err.message}`);
    }
  }
}
process.exit(failures > 0 ? 1 : 0);
