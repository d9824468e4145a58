import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { CapacityCheck } from '../admission/stream-slots';
import { ApiError } from '../errors';

const VALID_ID = /^[\w.:-]{1,128}$/;

/** Gives every response an `x-request-id` (the client's if it sent a sane one) and logs each request once. */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.header('x-request-id');
    const id = incoming && VALID_ID.test(incoming) ? incoming : `req_${randomUUID().replace(/-/g, '')}`;
    res.setHeader('x-request-id', id);
    const started = performance.now();
    res.locals.startedAtMs = started;
    res.on('finish', () => {
      logger.debug({ requestId: id, method: req.method, path: req.path, status: res.statusCode, durationMs: Math.round(performance.now() - started) }, 'request');
    });
    next();
  };
}

/**
 * Transcription request slots: at most `max` requests decode and recognize at once; beyond that, 429 +
 * Retry-After. A slot is taken once the upload has arrived (`acquire`, after the body parser), so a slow
 * upload holds no slot; `precheck` (before the body) refuses at once while every slot is busy, or (given
 * `capacity`) with 503 + Retry-After while measured capacity is used up, so a client is not made to upload a
 * large file only to be told to come back.
 */
export function requestSlots(max: number, onChange?: (inFlight: number) => void, capacity?: CapacityCheck): { precheck: RequestHandler; acquire: RequestHandler } {
  let inFlight = 0;
  const busy = () =>
    new ApiError(429, `Too many concurrent transcription requests (limit ${max}); retry shortly.`, { code: 'too_many_requests', retryAfterSec: 1 });
  return {
    precheck: (_req, _res, next) => next(inFlight >= max ? busy() : (capacity?.check() ?? undefined)),
    acquire: (_req, res, next) => {
      if (inFlight >= max) {
        next(busy());
        return;
      }
      inFlight++;
      onChange?.(inFlight);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        inFlight--;
        onChange?.(inFlight);
      };
      res.on('finish', release);
      res.on('close', release);
      next();
    },
  };
}
