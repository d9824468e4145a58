import { open, readFile, unlink } from 'node:fs/promises';
import { ApiError } from '../errors';

/**
 * One pull of a model at a time across processes (a `models pull` beside a server pulling the same model would
 * append to one partial file twice): `NAME.tar.bz2.partial.lock` holds the puller's pid. A lock whose process is
 * gone (a pull killed mid-way) is taken over. Resolves with the release function.
 */
export async function acquirePullLock(lockPath: string, name: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(lockPath, 'wx');
      await file.writeFile(String(process.pid));
      await file.close();
      return () => unlink(lockPath).catch(() => undefined);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new ApiError(409, `Another process (pid ${pid}) is pulling ${name} into this models folder; wait for it, or remove ${lockPath} if it is gone.`, { param: 'model', code: 'model_pull_in_progress' });
    }
    await unlink(lockPath).catch(() => undefined);
  }
  throw new ApiError(409, `Could not take the pull lock ${lockPath} for ${name}.`, { param: 'model', code: 'model_pull_in_progress' });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
