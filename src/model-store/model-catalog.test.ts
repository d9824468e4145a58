import { ApiError } from '../errors';
import { resolveArchiveSource } from './archive-source';
import { archiveBaseName, ModelCatalog } from './model-catalog';

describe('the model catalog (models/catalog.json)', () => {
  const catalog = ModelCatalog.load();

  test('lists the models issue #14 asks for, each under the name of its release archive', () => {
    const byLayout = (layout: string) => catalog.entries.filter((e) => e.layout === layout).map((e) => e.name);
    expect(catalog.names).toEqual(expect.arrayContaining([
      'sherpa-onnx-nemo-parakeet-tdt-0.6b-v2-int8',
      'sherpa-onnx-nemo-parakeet-tdt-0.6b-v3-int8',
      'sherpa-onnx-moonshine-tiny-en-int8',
      'sherpa-onnx-moonshine-base-en-int8',
      'sherpa-onnx-whisper-tiny',
      'sherpa-onnx-whisper-tiny.en',
      'sherpa-onnx-whisper-base',
      'sherpa-onnx-whisper-base.en',
    ]));
    expect(byLayout('nemo-ctc').length).toBeGreaterThan(0);
    expect(byLayout('online-transducer')).toContain('sherpa-onnx-streaming-zipformer-en-2023-06-26');
    expect(byLayout('transducer')).toContain('sherpa-onnx-zipformer-en-2023-06-26');
    for (const e of catalog.entries) {
      expect(e.url).toBe(`https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models/${e.name}.tar.bz2`);
      // A field that is not published is left out and the note says so.
      if (e.license === undefined || e.sizeMB === undefined) expect(e.note).toBeDefined();
    }
    expect(catalog.find('sherpa-onnx-nemo-parakeet-tdt-0.6b-v3-int8')?.languages).toHaveLength(25);
  });

  test('a catalog whose URL does not name NAME.tar.bz2, or that names a model twice, is refused', () => {
    const e = { name: 'a', url: 'https://x.example/b.tar.bz2', layout: 'nemo-ctc' as const, languages: ['en'] };
    expect(() => new ModelCatalog([e])).toThrow(/not a\.tar\.bz2/);
    const ok = { ...e, url: 'https://x.example/a.tar.bz2' };
    expect(() => new ModelCatalog([ok, ok])).toThrow(/twice/);
  });

  test('a missing catalog file is a clear error naming it', () => {
    expect(() => ModelCatalog.load('/nonexistent/catalog.json')).toThrow('cannot read the model catalog /nonexistent/catalog.json: ENOENT');
  });

  test.each([
    ['https://h.example/asr-models/sherpa-onnx-whisper-tiny.en.tar.bz2', 'sherpa-onnx-whisper-tiny.en'],
    ['https://h.example/a/b/m.tar.bz2?download=1', 'm'],
    ['https://h.example/m.zip', undefined],
    ['https://h.example/..%2F..%2Fetc.tar.bz2', undefined],
    ['not a url', undefined],
  ])('archiveBaseName(%s) = %s', (url, name) => {
    expect(archiveBaseName(url)).toBe(name);
  });

  test('resolving: names and URLs, the mirror replaces the host and path but keeps the file name, unknown names are a 404', () => {
    const name = 'sherpa-onnx-moonshine-tiny-en-int8';
    expect(resolveArchiveSource(name, catalog)).toMatchObject({ name, url: catalog.find(name)!.url, entry: { layout: 'moonshine' } });
    expect(resolveArchiveSource(name, catalog, 'http://mirror.internal/models/')).toMatchObject({ name, url: `http://mirror.internal/models/${name}.tar.bz2` });
    expect(resolveArchiveSource(catalog.find(name)!.url, catalog).entry?.name).toBe(name);
    expect(resolveArchiveSource('https://other.example/x/my-model.tar.bz2', catalog)).toEqual({ name: 'my-model', url: 'https://other.example/x/my-model.tar.bz2' });
    expect(() => resolveArchiveSource('nope', catalog)).toThrow(ApiError);
    expect(() => resolveArchiveSource('nope', catalog)).toThrow(/not in the catalog/);
  });
});
