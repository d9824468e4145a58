import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');

/** The README's "Real models" table is the catalog shown to people: it must list exactly the catalog's models. */
describe('README Real models table', () => {
  const catalog = JSON.parse(readFileSync(path.join(ROOT, 'models/catalog.json'), 'utf8')) as { models: { name: string; layout: string }[] };
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Real models'), readme.indexOf('### Pulling models'));
  const tableNames = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);

  test('has one row per catalog model, in catalog order', () => {
    expect(section.length).toBeGreaterThan(0);
    expect(tableNames).toEqual(catalog.models.map((m) => m.name));
  });
});
