import type { AcousticModel } from './acoustic-model';
import { CtcModel } from './ctc/ctc-model';
import type { DecodingConfig } from './decoding';
import type { ModelLayout } from './model-layout';
import { NemoTransducerModel } from './nemo-transducer/nemo-transducer-model';
import { MoonshineModel } from './moonshine/moonshine-model';
import { OnlineTransducerModel } from './online-transducer/online-transducer-model';
import type { SessionOptions } from './ort-session';
import { TransducerModel } from './transducer/transducer-model';
import { WhisperModel } from './whisper/whisper-model';

type Loader<K extends ModelLayout['kind']> = (layout: Extract<ModelLayout, { kind: K }>, options: SessionOptions, decoding?: Readonly<DecodingConfig>) => Promise<AcousticModel>;

/** One loader per folder layout (model-layout.ts detects the layout; this table makes the model). */
const LOADERS: { [K in ModelLayout['kind']]: Loader<K> } = {
  'nemo-ctc': (layout, options, decoding) => CtcModel.load(layout, options, decoding),
  transducer: (layout, options, decoding) => TransducerModel.load(layout, options, decoding),
  whisper: (layout, options) => WhisperModel.load(layout, options),
  'nemo-transducer': (layout, options) => NemoTransducerModel.load(layout, options),
  'online-transducer': (layout, options, decoding) => OnlineTransducerModel.load(layout, options, decoding),
  moonshine: (layout, options, decoding) => MoonshineModel.load(layout, options, decoding),
};

/** Loads the model a folder's layout describes; it decodes greedily unless `decoding` says otherwise. */
export function loadModel(layout: ModelLayout, options: SessionOptions, decoding?: Readonly<DecodingConfig>): Promise<AcousticModel> {
  const load = LOADERS[layout.kind] as Loader<typeof layout.kind>;
  return load(layout as never, options, decoding);
}
