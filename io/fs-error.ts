/**
 * File-system errors as one line for the user. Every writing command turns what the operating
 * system says (ENOSPC, EACCES, ENOTDIR, ...) into a UserError naming the path: exit code 2, no
 * stack trace (cli/main.ts also does this for any such error that escapes a command).
 */
import { UserError, isUserError } from '../config/errors.js';

/** Error codes of the file system: a mistake or a condition of the user's machine, not a bug of ours. */
const FS_CODES = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'EDQUOT',
  'ENOTDIR',
  'EISDIR',
  'EEXIST',
  'ENOENT',
  'EXDEV',
  'ENXIO',
  'ENAMETOOLONG',
  'ELOOP',
  'EMFILE',
  'ENFILE',
  'EFBIG',
  'EIO',
  'EBUSY',
  'ETXTBSY',
  'ENODEV',
  'EINVAL',
  'ENOTEMPTY',
]);

/** A file-system error in a few words ("permission denied", "no space left on the device"). */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EFBIG':
      return 'file too large';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EISDIR':
      return 'it is a folder';
    case 'EEXIST':
      return 'a file is in the way';
    case 'ENOENT':
      return 'no such file or folder';
    case 'ENXIO':
      return 'no reader at the other end (FIFO or device)';
    case 'ENAMETOOLONG':
      return 'name too long';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'EIO':
      return 'input/output error';
    default:
      return err.code ?? String(err.message ?? e).split('\n')[0]!;
  }
}

/** Whether `e` is an error of the file system (a Node error with one of the codes above). */
export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && FS_CODES.has(code);
}

/** `cannot write <what>: <reason>` as a UserError; UserErrors pass unchanged. */
export function writeFailure(what: string, e: unknown): Error {
  if (isUserError(e)) return e;
  if (!isFsError(e)) return e as Error;
  return new UserError(`cannot write ${what}: ${describeFsError(e)}`);
}

/** Runs a writing step; a file-system error becomes a one-line UserError about `what`. */
export function writing<T>(what: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    throw writeFailure(what, e);
  }
}

/** A file-system error no step turned into a UserError, in one line: "cannot rename a -> b: ...". */
export function fsErrorLine(e: NodeJS.ErrnoException): string {
  const dest = (e as { dest?: string }).dest;
  const where = e.path ? ` ${e.path}${dest ? ` -> ${dest}` : ''}` : '';
  return `cannot ${e.syscall ?? 'write'}${where}: ${describeFsError(e)}`;
}
