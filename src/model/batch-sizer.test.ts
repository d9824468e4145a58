import { BatchSizer, PROBE_EVERY } from './batch-sizer';

describe('BatchSizer', () => {
  test('waiting jobs are shared among the free workers, up to the limit', () => {
    const sizer = new BatchSizer(8);
    expect(sizer.sizeFor('m', 1, 2)).toBe(1);
    expect(sizer.sizeFor('m', 5, 2)).toBe(3);
    expect(sizer.sizeFor('m', 40, 2)).toBe(8);
    expect(sizer.sizeFor('m', 3, 0)).toBe(3);
  });

  test('batches are used while they cost less per audio second than single runs', () => {
    const sizer = new BatchSizer(8);
    sizer.record('gpu', 1, 100, 1); // 100 ms per audio second alone
    sizer.record('gpu', 4, 120, 4); // 30 ms per audio second in a batch
    expect(sizer.pays('gpu')).toBe(true);
    for (let i = 0; i < 3 * PROBE_EVERY; i++) expect(sizer.sizeFor('gpu', 8, 1)).toBe(8);
  });

  test('a model whose batches save nothing runs one by one, with a probe batch now and then; it notices when batching starts paying', () => {
    const sizer = new BatchSizer(8);
    sizer.record('cpu', 1, 50, 1);
    sizer.record('cpu', 4, 260, 4); // 65 ms per audio second: padding costs more than it shares
    expect(sizer.pays('cpu')).toBe(false);
    const sizes = Array.from({ length: 2 * PROBE_EVERY }, () => sizer.sizeFor('cpu', 8, 1));
    expect(sizes.filter((s) => s === 8)).toHaveLength(2);
    expect(sizes.filter((s) => s === 1)).toHaveLength(2 * PROBE_EVERY - 2);
    // Probes that come out cheaper move the average until batching pays again.
    for (let i = 0; i < 20; i++) sizer.record('cpu', 8, 160, 8);
    expect(sizer.pays('cpu')).toBe(true);
    expect(sizer.sizeFor('cpu', 8, 1)).toBe(8);
  });

  test('not adaptive: always batches up to the limit; models are measured apart', () => {
    const fixed = new BatchSizer(4, false);
    fixed.record('m', 1, 10, 1);
    fixed.record('m', 4, 400, 4);
    expect(fixed.sizeFor('m', 9, 1)).toBe(4);
    const sizer = new BatchSizer(4);
    sizer.record('a', 1, 10, 1);
    sizer.record('a', 4, 400, 4);
    expect(sizer.pays('a')).toBe(false);
    expect(sizer.pays('b')).toBe(true);
  });
});
