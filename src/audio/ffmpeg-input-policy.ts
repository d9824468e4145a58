/**
 * What ffmpeg may open when it decodes an upload. Uploads are spooled to a local file and ffmpeg reads only
 * that file: `-protocol_whitelist file` keeps playlists and manifests (HLS, DASH, ffconcat) from reaching the
 * network or other local files through other protocols, and `-format_whitelist` names the audio and media
 * containers a user uploads, so the demuxers that open other files (hls, concat, dash, image2, lavfi,
 * subtitles, ...) never run, whatever the ffmpeg build or `FFMPEG_PATH` enables by default.
 */
export const FFMPEG_PROTOCOL_WHITELIST = ['file'] as const;

/** ffmpeg demuxer names (`ffmpeg -demuxers`); a name matches a demuxer whose comma-separated names include it. */
export const FFMPEG_FORMAT_WHITELIST = [
  'aac', 'ac3', 'aiff', 'amr', 'amrnb', 'amrwb', 'ape', 'asf', 'au', 'avi', 'caf', 'dts', 'eac3', 'flac', 'flv',
  'gsm', 'matroska', 'mov', 'mp3', 'mpc', 'mpc8', 'mpeg', 'mpegts', 'ogg', 'rm', 'tta', 'voc', 'w64', 'wav', 'wv',
  'xwma',
] as const;

/** The input options that put the policy in force; they go right before `-i`. */
export function ffmpegInputPolicyArgs(): string[] {
  return ['-protocol_whitelist', FFMPEG_PROTOCOL_WHITELIST.join(','), '-format_whitelist', FFMPEG_FORMAT_WHITELIST.join(',')];
}
