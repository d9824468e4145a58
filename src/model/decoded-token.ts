/** A token chosen by a decoder, with the encoder frames (after subsampling) it occupies. */
export interface DecodedToken {
  id: number;
  /** First encoder frame of the token (after subsampling). */
  startFrame: number;
  /** One past its last encoder frame (after subsampling). */
  endFrame: number;
}
