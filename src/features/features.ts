/** A feature matrix: what every feature extractor produces and every acoustic model consumes. */
export interface Features {
  /** Log mel energies: row-major (numFrames × dim), or (dim × numFrames) when `layout` is 'channels'. */
  data: Float32Array;
  numFrames: number;
  dim: number;
  /** 'frames' (the default): one row per frame; 'channels': one row per mel bin (NeMo's input layout). */
  layout?: 'frames' | 'channels';
}
