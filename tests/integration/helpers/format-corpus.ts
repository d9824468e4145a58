import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** One file format a user may upload: how ffmpeg writes it from a WAV source. */
export interface CorpusFormat {
  name: string;
  fileName: string;
  /** ffmpeg output options (after `-i source`). */
  args: string[];
  /** Another input (a video track) mapped in before the audio, for video containers. */
  video?: boolean;
  /** The encoder this format needs; the format is skipped where ffmpeg lacks it. */
  encoder?: string;
  /** Lossy codecs may change a word or two of a small model's transcript: the largest word error rate accepted. */
  maxWer: number;
}

/** Every common container/codec a user has, as ffmpeg writes them by default unless noted. */
export const CORPUS_FORMATS: CorpusFormat[] = [
  { name: 'WAV PCM 16-bit', fileName: 'a.wav', args: ['-c:a', 'pcm_s16le'], maxWer: 0 },
  { name: 'WAV PCM 24-bit', fileName: 'a.wav', args: ['-c:a', 'pcm_s24le'], maxWer: 0 },
  { name: 'WAV PCM 32-bit', fileName: 'a.wav', args: ['-c:a', 'pcm_s32le'], maxWer: 0 },
  { name: 'WAV float 32 (extensible)', fileName: 'a.wav', args: ['-c:a', 'pcm_f32le'], maxWer: 0 },
  { name: 'WAV float 64', fileName: 'a.wav', args: ['-c:a', 'pcm_f64le'], maxWer: 0 },
  { name: 'WAV stereo 16-bit 44.1 kHz (extensible)', fileName: 'a.wav', args: ['-c:a', 'pcm_s16le', '-ac', '2', '-ar', '44100'], maxWer: 0.15 },
  { name: 'WAV µ-law 8 kHz', fileName: 'a.wav', args: ['-c:a', 'pcm_mulaw', '-ar', '8000'], maxWer: 0.25 },
  { name: 'WAV A-law 8 kHz', fileName: 'a.wav', args: ['-c:a', 'pcm_alaw', '-ar', '8000'], maxWer: 0.25 },
  { name: 'FLAC', fileName: 'a.flac', args: ['-c:a', 'flac'], maxWer: 0 },
  { name: 'MP3', fileName: 'a.mp3', args: ['-c:a', 'libmp3lame', '-b:a', '128k'], encoder: 'libmp3lame', maxWer: 0.15 },
  { name: 'AAC in m4a, moov atom at the end (ffmpeg default)', fileName: 'a.m4a', args: ['-c:a', 'aac', '-b:a', '128k'], maxWer: 0.15 },
  { name: 'AAC in m4a, moov atom first (+faststart)', fileName: 'a.m4a', args: ['-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart'], maxWer: 0.15 },
  { name: 'ALAC in m4a', fileName: 'a.m4a', args: ['-c:a', 'alac'], maxWer: 0 },
  { name: 'mp4 video with an AAC track', fileName: 'a.mp4', args: ['-c:v', 'mpeg4', '-c:a', 'aac', '-b:a', '128k', '-shortest'], video: true, maxWer: 0.15 },
  { name: 'mov video with an AAC track', fileName: 'a.mov', args: ['-c:v', 'mpeg4', '-c:a', 'aac', '-b:a', '128k', '-shortest'], video: true, maxWer: 0.15 },
  { name: 'Ogg Vorbis', fileName: 'a.ogg', args: ['-c:a', 'libvorbis', '-q:a', '6'], encoder: 'libvorbis', maxWer: 0.15 },
  { name: 'Ogg Opus', fileName: 'a.opus', args: ['-c:a', 'libopus', '-b:a', '64k'], encoder: 'libopus', maxWer: 0.15 },
  { name: 'WebM Opus', fileName: 'a.webm', args: ['-c:a', 'libopus', '-b:a', '64k'], encoder: 'libopus', maxWer: 0.15 },
  { name: 'Matroska FLAC', fileName: 'a.mkv', args: ['-c:a', 'flac'], maxWer: 0 },
  { name: 'AIFF', fileName: 'a.aiff', args: ['-c:a', 'pcm_s16be'], maxWer: 0 },
  { name: 'CAF (PCM)', fileName: 'a.caf', args: ['-c:a', 'pcm_s16le'], maxWer: 0 },
  { name: 'AMR-NB', fileName: 'a.amr', args: ['-c:a', 'libopencore_amrnb', '-ar', '8000', '-b:a', '12.2k'], encoder: 'libopencore_amrnb', maxWer: 0.5 },
  { name: '3GP with AMR-NB', fileName: 'a.3gp', args: ['-c:a', 'libopencore_amrnb', '-ar', '8000', '-b:a', '12.2k'], encoder: 'libopencore_amrnb', maxWer: 0.5 },
];

/** The audio encoders this ffmpeg has. */
export function ffmpegEncoders(): Set<string> {
  const out = execFileSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' });
  return new Set(out.split('\n').map((l) => l.trim().split(/\s+/)[1]).filter(Boolean));
}

/** Writes `format` from `sourceWav` into `dir`; returns the file's path. */
export function writeCorpusFile(sourceWav: string, format: CorpusFormat, dir: string, index: number): string {
  const out = path.join(dir, `${index}-${format.fileName}`);
  const video = format.video ? ['-f', 'lavfi', '-i', 'color=c=blue:s=64x64:r=10'] : [];
  const map = format.video ? ['-map', '1:v', '-map', '0:a'] : [];
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', sourceWav, ...video, ...map, ...format.args, out]);
  return out;
}
