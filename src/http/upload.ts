import { mkdtempSync, rmSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { ApiError } from '../errors';
import { uploadRateGuard, type UploadRateLimits } from './upload-rate-guard';

export interface AudioUploadLimits extends UploadRateLimits {
  maxUploadBytes: number;
  /** The whole upload must arrive within this, in ms. */
  timeoutMs: number;
}

/**
 * Multipart parsing for audio uploads, spooled to a private temporary folder rather than memory (ffmpeg
 * seeks in some containers, such as mp4/m4a with the moov atom at the end, and a slow upload holds no
 * memory). The size limit is enforced while the upload streams in (multer stops reading at the limit), so
 * an oversized file is refused with 413 without being stored whole. An upload that takes longer than
 * `timeoutMs`, or that trickles in below the minimum rate, is answered with 408 and its connection closed.
 * The spooled file is deleted when the response is over.
 */
export function audioUpload(limits: AudioUploadLimits): RequestHandler {
  const spoolDir = mkdtempSync(path.join(os.tmpdir(), 'stt-uploads-'));
  process.once('exit', () => rmSync(spoolDir, { recursive: true, force: true }));
  const parser = multer({
    storage: multer.diskStorage({ destination: spoolDir }),
    limits: { fileSize: limits.maxUploadBytes, files: 1, fields: 64, fieldSize: 1024 * 1024, parts: 80, headerPairs: 200 },
  }).single('file');
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) {
      next(new ApiError(400, "Expected a multipart/form-data body with an audio 'file' field.", { param: 'file', code: 'invalid_request' }));
      return;
    }
    res.once('close', () => {
      if (req.file?.path) unlink(req.file.path).catch(() => undefined);
    });
    let abandoned = false;
    const abandon = (err: ApiError) => {
      abandoned = true;
      clearTimeout(timer);
      rate.stop();
      // Answer now and drop the connection once the answer is out: the rest of the body is never read.
      res.setHeader('Connection', 'close');
      res.once('finish', () => req.socket.destroy());
      next(err);
    };
    const timer = setTimeout(() => {
      abandon(new ApiError(408, `The upload did not complete within ${Math.round(limits.timeoutMs / 1000)} s.`, { param: 'file', code: 'upload_timeout' }));
    }, limits.timeoutMs);
    const rate = uploadRateGuard(req.socket, limits, (bytesPerSec) => {
      abandon(
        new ApiError(408, `The upload was too slow (${Math.round(bytesPerSec)} bytes/s; the minimum is ${limits.minBytesPerSec}).`, { param: 'file', code: 'upload_too_slow' }),
      );
    });
    parser(req, res, (err: unknown) => {
      clearTimeout(timer);
      rate.stop();
      if (abandoned) return;
      if (!err) return next();
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') {
          // Stop the client from sending the rest: answer, then close the connection.
          res.setHeader('Connection', 'close');
          return next(new ApiError(413, `The file exceeds the maximum upload size of ${limits.maxUploadBytes} bytes.`, { param: 'file', code: 'file_too_large' }));
        }
        if (err.code === 'LIMIT_UNEXPECTED_FILE') {
          return next(new ApiError(400, `Unexpected file field '${err.field}'; send the audio as 'file'.`, { param: err.field ?? 'file', code: 'invalid_request' }));
        }
        return next(new ApiError(400, `Invalid multipart body: ${err.message}.`, { param: err.field ?? null, code: 'invalid_request' }));
      }
      next(new ApiError(400, `Invalid multipart body: ${(err as Error).message}.`, { code: 'invalid_request' }));
    });
  };
}
