/**
 * Library errors name the field of their input ("budget: ...", "seeds: ..."); a command says
 * the flag the user typed instead. `namingFlags` renames the leading field of a UserError.
 */
import { UserError } from '../config/errors.js';

type Flags = Readonly<Record<string, string>>;

/** The error with its leading field ("resume: ...") said as its flag. */
export function renamed(e: unknown, flags: Flags): unknown {
  if (!(e instanceof UserError)) return e;
  const m = /^([\w.]+)(?=:)/.exec(e.message);
  const flag = m && Object.hasOwn(flags, m[1]!) ? flags[m[1]!] : undefined;
  return flag ? new UserError(flag + e.message.slice(m![1]!.length)) : e;
}

/** Runs `fn`; a UserError about one of `flags`' fields is rethrown naming the flag. */
export async function namingFlags<T>(flags: Flags, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw renamed(e, flags);
  }
}

/** namingFlags for a synchronous step. */
export function namingFlagsSync<T>(flags: Flags, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw renamed(e, flags);
  }
}

/** "lrDecay" -> "--lr-decay" */
export const flagOf = (field: string): string => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Fields named as their flags (lrDecay: --lr-decay), and `others` whose flag has another name. */
export function flagsFor(fields: string, others: Record<string, string> = {}): Record<string, string> {
  return { ...Object.fromEntries(fields.split(' ').map((f) => [f, flagOf(f)])), ...others };
}
