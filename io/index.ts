/** Writing outputs safely: atomic files, all-or-nothing output folders, locks, location checks. */
export {
  openAtomicFile,
  writeFileAtomic,
  writeAll,
  tempNameFor,
  type AtomicFile,
  type AtomicFileOptions,
} from './atomic-file.js';
export { makeDirs, removeEmptyDirs } from './dirs.js';
export { describeFsError, isFsError, writeFailure, writing } from './fs-error.js';
export { checkOutputDir, checkOutputFile, type FileCheckOptions } from './location.js';
export { lockFolder, isAlive, LOCK_FILE, type FolderLock, type LockHolder } from './lock.js';
export { OutputSet, type OutputSetOptions } from './output-set.js';
export { resolveTarget, type Target } from './target.js';
