import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { ApiError } from '../errors';

/**
 * Multipart parsing for audio uploads. The size limit is enforced while the upload streams in (multer stops
 * reading at the limit), so an oversized file is refused with 413 without being buffered whole. An upload
 * that takes longer than `timeoutMs` is answered with 408 and its connection closed.
 */
export function audioUpload(maxUploadBytes: number, timeoutMs: number): RequestHandler {
  const parser = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxUploadBytes, files: 1, fields: 64, fieldSize: 1024 * 1024, parts: 80, headerPairs: 200 },
  }).single('file');
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is('multipart/form-data')) {
      next(new ApiError(400, "Expected a multipart/form-data body with an audio 'file' field.", { param: 'file', code: 'invalid_request' }));
      return;
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // Answer now and drop the connection once the answer is out: the rest of the body is never read.
      res.setHeader('Connection', 'close');
      res.once('finish', () => req.socket.destroy());
      next(new ApiError(408, `The upload did not complete within ${Math.round(timeoutMs / 1000)} s.`, { param: 'file', code: 'upload_timeout' }));
    }, timeoutMs);
    parser(req, res, (err: unknown) => {
      clearTimeout(timer);
      if (timedOut) return;
      if (!err) return next();
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') {
          // Stop the client from sending the rest: answer, then close the connection.
          res.setHeader('Connection', 'close');
          return next(new ApiError(413, `The file exceeds the maximum upload size of ${maxUploadBytes} bytes.`, { param: 'file', code: 'file_too_large' }));
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
