/**
 * Library errors name the field of their input ("budget: ...", "seeds: ..."); a command says
 * the flag the user typed instead. `namingFlags` renames the leading field of a UserError.
 */
import { UserError } from '../config/errors.js';

function renamed(e: unknown, flags: Readonly<Record<string, string>>): unknown {
  if (!(e instanceof UserError)) return e;
  const m = /^([\w.]+):/.exec(e.message);
  const flag = m ? flags[m[1]!] : undefined;
  return flag ? new UserError(flag + e.message.slice(m![1]!.length)) : e;
}

/** Runs `fn`; a UserError about one of `flags`' fields is rethrown naming the flag. */
export async function namingFlags<T>(flags: Readonly<Record<string, string>>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw renamed(e, flags);
  }
}
