import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adaptSiteConfig, findNginx } from '../../scripts/deploy/nginx-process';
import { formatReport, runScaleOut } from '../../scripts/deploy/nginx-scale-out';

/**
 * Two real instances (`node dist/main.js`, built by `npm test` first) behind Debian's nginx running
 * deploy/nginx/onnx-stt-server.conf on loopback; uploads and live streams through nginx; SIGTERM to one instance
 * mid-traffic: nothing admitted is lost (issue #16). The full run is `npm run deploy:nginx-scale-out`.
 */
const SITE = path.resolve(__dirname, '..', '..', 'deploy', 'nginx', 'onnx-stt-server.conf');
const nginx = findNginx();
if (!nginx) process.stderr.write('deploy-nginx-scale-out.test: nginx not installed (scripts/setup-system.sh installs it): skipped\n');

describe('the nginx site configuration', () => {
  const site = readFileSync(SITE, 'utf8');

  test('is adapted to loopback ports with every upstream parameter kept', () => {
    const adapted = adaptSiteConfig(site, 18080, [18001, 18002, 18003]);
    expect(adapted).toContain('listen 127.0.0.1:18080;');
    expect(adapted.match(/server 127\.0\.0\.1:1800[123] max_fails=3 fail_timeout=10s;/g)).toHaveLength(3);
    expect(adapted).not.toMatch(/listen 80;|127\.0\.0\.1:800[12]/);
    expect(() => adaptSiteConfig(site.replace('listen 80;', 'listen 8080;'), 1, [2, 3])).toThrow(/listen 80/);
  });

  test('upgrades WebSockets on both stream paths, passes uploads up to MAX_UPLOAD_BYTES, and replays refused work', () => {
    for (const p of ['/v1/audio/transcriptions', '/v1/realtime']) {
      const block = new RegExp(`location = ${p.replace(/\//g, '\\/')} \\{[^}]*proxy_set_header Upgrade \\$http_upgrade;[^}]*proxy_read_timeout 3600s;`);
      expect(site).toMatch(block);
    }
    expect(site).toMatch(/client_max_body_size 26m;/); // 25 MiB (MAX_UPLOAD_BYTES default) + multipart framing
    expect(site).toMatch(/proxy_next_upstream error timeout http_502 http_503 non_idempotent;/);
    expect(site).toMatch(/proxy_buffering off;/);
  });
});

(nginx ? test : test.skip)(
  'SIGTERM to one of two instances behind nginx mid-traffic loses no admitted upload, stream or final',
  async () => {
    const report = await runScaleOut({ uploadWorkers: 1, streams: 4, durationSec: 10, sigtermAtSec: 5, streamClipSec: 8, log: () => undefined });
    const summary = formatReport(report).join('\n');
    expect({ lost: report.lost, summary }).toEqual({ lost: 0, summary });
    expect(report.stoppedExitCode).toBe(0);
    expect(report.uploads.ok).toBeGreaterThan(0);
    expect(report.streams.finals).toBeGreaterThan(0);
    // The stopped instance had live streams: they got their finals and went on through nginx to the other one.
    expect(report.streams.drainedMidStream).toBeGreaterThan(0);
  },
  120_000,
);
