/** The URL to show for a server listening on `host:port` (a wildcard host is shown as 127.0.0.1). */
export function listeningUrl(host: string, port: number, tls: boolean): string {
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `${tls ? 'https' : 'http'}://${shownHost}:${port}`;
}
