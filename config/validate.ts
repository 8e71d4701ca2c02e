/**
 * Checking user values against the schema. A *layer* (a preset, a config file, the --set
 * flags, programmatic overrides) is a partial nested object; `applyLayer` validates every key
 * and leaf of it and writes canonical values into the configuration being resolved.
 * Every rejection is a one-line UserError that starts with the dotted path of the field.
 */
import { isField, type Field, type IntListField, type Section } from './fields.js';
import { schema, type Config } from './schema.js';
import { UserError } from './errors.js';
import { capBatchBySet } from './data-shape.js';
import { DIMENSIONS, formatQuantity, parseQuantity, show } from './units.js';

export type Tree = Record<string, unknown>;

export function isPlainObject(x: unknown): x is Tree {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Every field of a section with its dotted path, in schema order. */
export function fieldsOf(section: Section = schema, prefix = ''): Array<[string, Field]> {
  const out: Array<[string, Field]> = [];
  for (const [key, node] of Object.entries(section)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isField(node)) out.push([path, node]);
    else out.push(...fieldsOf(node, path));
  }
  return out;
}

/**
 * Validates `layer` against `section` and writes canonical values into `target` (same shape).
 * `source` says where the layer came from ("my.yaml", "--set"); it ends error messages.
 */
export function applyLayer(target: Tree, layer: Tree, source: string, section: Section = schema, prefix = ''): void {
  const where = source ? ` (in ${source})` : '';
  for (const [key, value] of Object.entries(layer)) {
    if (value === undefined) continue; // an absent CLI flag
    const path = prefix ? `${prefix}.${key}` : key;
    if (!Object.hasOwn(section, key)) {
      // Quoted when it would not show on its own ("", "a b", "model.").
      const shown = /^[\w$-]+(\.[\w$-]+)*$/.test(path) ? path : JSON.stringify(path);
      throw new UserError(`unknown key ${shown}${suggest(key, Object.keys(section))}${where}`);
    }
    const node = section[key]!;
    if (isField(node)) {
      target[key] = checkField(node, value, path, where);
    } else if (isPlainObject(value)) {
      applyLayer(target[key] as Tree, value, source, node, path);
    } else {
      throw new UserError(
        `${path}: expected a section with keys such as ${Object.keys(node).slice(0, 3).join(', ')}, got ` +
          `${show(value)}${where}`,
      );
    }
  }
}

/** The canonical value of `value` for `field`, or a UserError naming `path`. */
export function checkField(field: Field, value: unknown, path: string, where = ''): unknown {
  const fail = (expected: string, hint = ''): never => {
    throw new UserError(`${path}: expected ${expected}, got ${show(value)}${hint}${where}`);
  };
  switch (field.kind) {
    case 'quantity': {
      let q: number;
      try {
        q = parseQuantity(value, field.dimension, path);
      } catch (e) {
        throw new UserError(`${(e as Error).message}${where}`);
      }
      const min = field.min;
      if (min !== undefined && (q < min || (field.exclusiveMin && q === min))) {
        fail(
          `${DIMENSIONS[field.dimension].noun} ${field.exclusiveMin ? '>' : '>='} ` +
            `${formatQuantity(min, field.dimension)}`,
        );
      }
      return q;
    }
    case 'int':
      if (!isInt(value) || !inRange(value, field.min, field.max)) fail(`an integer${rangeText(field.min, field.max)}`);
      return value;
    case 'number':
      if (
        typeof value !== 'number' ||
        !Number.isFinite(value) ||
        !inRange(value, field.min, field.max, field.exclusiveMin)
      ) {
        fail(`a number${rangeText(field.min, field.max, field.exclusiveMin)}`);
      }
      return value;
    case 'enum':
      if (typeof value !== 'string' || !field.values.includes(value)) {
        fail(`one of ${field.values.join(', ')}`, typeof value === 'string' ? suggest(value, field.values) : '');
      }
      return value;
    case 'bool':
      if (typeof value !== 'boolean') fail('true or false');
      return value;
    case 'string':
      if (typeof value === 'string' || (value === null && field.default === null)) return value;
      return fail(field.default === null ? 'a string or null' : 'a string');
    case 'intList':
      return checkIntList(field, value, path, where);
  }
}

function checkIntList(field: IntListField, value: unknown, path: string, where: string): number[] {
  const minLength = field.minLength ?? 0;
  if (!Array.isArray(value) || value.length < minLength) {
    const what = minLength > 0 ? 'a non-empty list' : 'a list';
    const example = `[${field.default.join(', ')}]`;
    throw new UserError(
      `${path}: expected ${what} of integers${rangeText(field.min, undefined)} such as ${example}, got ` +
        `${show(value)}${where}`,
    );
  }
  value.forEach((v, i) => {
    if (!isInt(v) || !inRange(v, field.min, undefined)) {
      throw new UserError(
        `${path}[${i}]: expected an integer${rangeText(field.min, undefined)}, got ${show(v)}${where}`,
      );
    }
  });
  return [...(value as number[])];
}

export const MAX_EPOCHS = 100_000;

/** Constraints between fields, checked once all layers are merged. */
export function checkCrossFields(cfg: Config): void {
  // Not "impossible", but a run of more epochs never ends (the paper's longest is 1000).
  if (cfg.training.epochs > MAX_EPOCHS) {
    throw new UserError(`training.epochs: expected at most ${MAX_EPOCHS}, got ${cfg.training.epochs}`);
  }
  capBatchBySet(cfg);
  const m = cfg.model;
  if (m.schedule !== 'rbnn') return; // the conventional schedule runs one iteration at n bits
  if (m.maxIterations > m.bits) {
    throw new UserError(
      `model.maxIterations: expected at most model.bits (${m.bits}) with the rbnn schedule, got ${m.maxIterations}`,
    );
  }
  if (m.minTrainableBits > m.bits) {
    throw new UserError(`model.minTrainableBits: expected at most model.bits (${m.bits}), got ${m.minTrainableBits}`);
  }
}

function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x);
}

function inRange(x: number, min?: number, max?: number, exclusiveMin = false): boolean {
  if (min !== undefined && (x < min || (exclusiveMin && x === min))) return false;
  return max === undefined || x <= max;
}

/** " from 1 to 32", " >= 0", " > 0 and <= 1", "" */
export function rangeText(min?: number, max?: number, exclusiveMin = false): string {
  if (min !== undefined && max !== undefined && !exclusiveMin) return ` from ${min} to ${max}`;
  const parts: string[] = [];
  if (min !== undefined) parts.push(`${exclusiveMin ? '>' : '>='} ${min}`);
  if (max !== undefined) parts.push(`<= ${max}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

/** " (did you mean banks?)" when a candidate is close to `word`, else "". */
export function suggest(word: string, candidates: readonly string[]): string {
  let best = '';
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? ` (did you mean ${best}?)` : '';
}

/** Edits (insert, delete, substitute, swap two neighbours) turning a into b. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** What a field accepts, for --describe. */
export function fieldType(field: Field): string {
  switch (field.kind) {
    case 'quantity': {
      const min =
        field.min === undefined
          ? ''
          : ` ${field.exclusiveMin ? '>' : '>='} ${formatQuantity(field.min, field.dimension)}`;
      return `${DIMENSIONS[field.dimension].noun.replace(/^an? /, '')}${min}`;
    }
    case 'int':
      return `integer${rangeText(field.min, field.max)}`;
    case 'number':
      return `number${rangeText(field.min, field.max, field.exclusiveMin)}`;
    case 'enum':
      return field.values.join(' | ');
    case 'bool':
      return 'true | false';
    case 'string':
      return field.default === null ? 'string | null' : 'string';
    case 'intList':
      return `list of integers${rangeText(field.min, undefined)}`;
  }
}
