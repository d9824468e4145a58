import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readModelFolderMetadata } from './model-folder-metadata';
import { readOnnxMetadata } from './onnx-metadata';

const MODEL = path.join(__dirname, '../../models/nemo-ctc-en-conv-small/model.onnx');

describe('readModelFolderMetadata', () => {
  test('reads the same metadata as the whole-buffer reader, by positioned reads', () => {
    const whole = readOnnxMetadata(readFileSync(MODEL));
    expect(Object.keys(whole).length).toBeGreaterThan(2);
    expect(readModelFolderMetadata(MODEL)).toEqual(whole);
  });

  test('a file that is not ONNX has no metadata (no throw)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'stt-meta-'));
    writeFileSync(path.join(dir, 'x.onnx'), 'x');
    expect(readModelFolderMetadata(path.join(dir, 'x.onnx'))).toEqual({});
    expect(readModelFolderMetadata(path.join(dir, 'missing.onnx'))).toEqual({});
  });
});
