import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from './config';
import { configSchema } from './config-schema';

describe('.env.example', () => {
  const text = readFileSync(path.join(__dirname, '..', '.env.example'), 'utf8');
  const vars = Object.fromEntries(
    text
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

  test('lists every config variable', () => {
    expect(Object.keys(vars).sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  test('its values are the defaults', () => {
    expect(parseConfig(vars)).toEqual(parseConfig({}));
  });
});
