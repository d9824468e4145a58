import { ApiError } from '../errors';

/** The answer when decoding would pass the server's budget for decoded audio in flight. */
export function overBudget(): ApiError {
  return new ApiError(503, 'The server is holding too much decoded audio right now; retry shortly.', { code: 'server_overloaded', retryAfterSec: 5 });
}
