import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a whole folder so that readers see the old one or the complete new one: `fill` writes into a
 * temporary sibling, which then replaces the folder by rename. A failure leaves the old folder untouched.
 */
export async function writeDirAtomic(dir: string, fill: (temp: string) => Promise<void>): Promise<void> {
  const parent = path.dirname(dir);
  const tag = randomBytes(4).toString('hex');
  const temp = path.join(parent, `.${path.basename(dir)}.${tag}.tmp`);
  const old = path.join(parent, `.${path.basename(dir)}.${tag}.old`);
  await mkdir(parent, { recursive: true });
  try {
    await mkdir(temp);
    await fill(temp);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  // rename() cannot replace a non-empty folder: move the old one aside first, then drop it.
  let hadOld = true;
  try {
    await rename(dir, old);
  } catch {
    hadOld = false;
  }
  try {
    await rename(temp, dir);
  } catch (error) {
    if (hadOld) await rename(old, dir).catch(() => undefined);
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}
