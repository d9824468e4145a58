import type { ChildProcess } from 'node:child_process';

/**
 * Follows a server process's JSON log lines (pino, on stdout): every entry is kept in `logs`, and `ready`
 * resolves with the port it listens on once it logs `ready: …`, or rejects if the process exits first.
 */
export function followServerLog(proc: ChildProcess, exited: Promise<unknown>): { logs: Record<string, unknown>[]; ready: Promise<number> } {
  const logs: Record<string, unknown>[] = [];
  let buffered = '';
  let port = 0;
  const ready = new Promise<number>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue; // not a log line
        }
        logs.push(entry);
        const url = /:(\d+)$/.exec(String(entry.url ?? ''));
        if (url) port = Number(url[1]);
        if (String(entry.msg).startsWith('ready:')) resolve(port);
      }
    });
    void exited.then(() => reject(new Error('the server exited before it was ready')));
  });
  return { logs, ready };
}
