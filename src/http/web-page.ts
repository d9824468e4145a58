import path from 'node:path';
import express, { Router, type Request, type RequestHandler } from 'express';

/** Repository (or image) root: this file runs from src/http (ts-jest) or dist/http (the build). */
const ROOT = path.resolve(__dirname, '..', '..');
/** index.html and style.css, served as they are. */
export const WEB_PUBLIC_DIR = path.join(ROOT, 'web', 'public');
/** The page's scripts and the typed client as browser ES modules, compiled by `npm run build` (web/tsconfig.json). */
export const WEB_BUILD_DIR = path.join(ROOT, 'dist', 'web');

/** The paths the page is served at: open without an API key (the API calls the page makes carry the key). */
export const WEB_PAGE_PATHS = ['/', '/index.html'] as const;
export const WEB_STATIC_PREFIX = '/static/';

/**
 * Security headers for the page and its files: scripts, styles and connections only to this origin
 * (WebSockets included, by their ws:/wss: URL of this host), no framing, no plugins, the microphone for
 * this origin only.
 */
function securityHeaders(req: Request): Record<string, string> {
  const host = req.headers.host ?? '';
  const sockets = /^[\w.:[\]-]+$/.test(host) ? ` ws://${host} wss://${host}` : '';
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src 'self'${sockets}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'microphone=(self), camera=(), geolocation=()',
  };
}

/**
 * The live-captions page at `/` and its files under `/static/` (web/public and the compiled dist/web). Mounted
 * after the admission middleware, which lets these paths through without a key.
 */
export function webPageRoutes(): Router {
  const router = Router();
  const headers: RequestHandler = (req, res, next) => {
    res.set(securityHeaders(req));
    next();
  };
  const files = { index: false, fallthrough: true, dotfiles: 'ignore', maxAge: 0 } as const;
  router.get(['/', '/index.html'], headers, (_req, res, next) => {
    res.sendFile(path.join(WEB_PUBLIC_DIR, 'index.html'), (err) => err && next(err));
  });
  router.use(WEB_STATIC_PREFIX, headers, express.static(WEB_PUBLIC_DIR, files), express.static(WEB_BUILD_DIR, files));
  return router;
}
