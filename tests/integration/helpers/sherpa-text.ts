/** sherpa-onnx's word-boundary mark ▁ (U+2581) as the space the service shows. */
export const spaced = (s: string): string => s.replace(/\u2581/g, ' ');

/** sherpa-onnx's text as the service renders it: ▁ as spaces, runs of white space as one, trimmed. */
export const squash = (s: string): string => spaced(s).replace(/\s+/g, ' ').trim();
