/** A token chosen by a decoder, with the encoder frames (after subsampling) it occupies. */
export interface DecodedToken {
  id: number;
  /** First encoder frame of the token (after subsampling). */
  startFrame: number;
  /** One past its last encoder frame (after subsampling). */
  endFrame: number;
  /** Natural-log probability of the token where it was chosen (its best frame, for CTC). */
  logProb: number;
}
