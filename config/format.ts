/**
 * Printing a resolved configuration: quantities back with units, as an object, JSON or YAML.
 * The printed forms (with units) are valid config files: loading one gives the same config.
 */
import YAML from 'yaml';
import type { Config } from './schema.js';
import { formatQuantity } from './units.js';
import { fieldType, fieldsOf, type Tree } from './validate.js';
import type { Dimension } from './fields.js';

/**
 * Settings of one invocation (where this run writes, whether it prints JSON): never part of a
 * saved configuration, or `run --config saved.json` would write into that folder or print JSON
 * without being asked.
 */
export const INVOCATION_ONLY: readonly string[] = ['output.dir', 'output.json'];

/**
 * The configuration with every quantity written with a unit ("256 KiB", "8 pJ"). A size whose
 * documented default is in bits ("64 b": word and bus widths) is printed in bits too.
 */
export function formatConfig(cfg: Config): Tree {
  const out: Tree = {};
  for (const [path, field] of fieldsOf()) {
    const value = valueAt(cfg, path);
    const printed =
      field.kind === 'quantity' ? formatField(value as number, field.dimension, field.default) : structuredClone(value);
    const keys = path.split('.');
    let node = out;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Tree;
    node[keys[keys.length - 1]!] = printed;
  }
  return out;
}

/** A quantity in the unit family its field is documented in: bits for "64 b" fields, else the readable unit. */
function formatField(value: number, dimension: Dimension, documented: string): string {
  if (dimension === 'bit' && /^\S+\s*(b|bit|bits)$/.test(documented.trim()) && Number.isSafeInteger(value))
    return `${value} b`;
  return formatQuantity(value, dimension);
}

/** A copy of `tree` (a configuration) without the invocation-only settings. */
export function withoutInvocationSettings<T extends object>(tree: T): T {
  const copy = structuredClone(tree) as Tree;
  for (const path of INVOCATION_ONLY) {
    const keys = path.split('.');
    const parent = keys.slice(0, -1).reduce<Tree | undefined>((n, k) => n?.[k] as Tree | undefined, copy);
    if (parent) delete parent[keys[keys.length - 1]!];
  }
  return copy as T;
}

/**
 * JSON text of the configuration, as saved (no invocation-only settings). By default quantities
 * are unit strings (the output can be loaded back with --config); with `canonical` they are
 * plain numbers in bits, J, Hz, s, W.
 */
export function configToJson(cfg: Config, opts: { canonical?: boolean } = {}): string {
  return JSON.stringify(withoutInvocationSettings(opts.canonical ? cfg : formatConfig(cfg)), null, 2);
}

/** YAML text of the configuration with units, as saved (no invocation-only settings); lists on one line. */
export function configToYaml(cfg: Config): string {
  const doc = new YAML.Document(withoutInvocationSettings(formatConfig(cfg)));
  YAML.visit(doc, {
    Seq(_, node) {
      node.flow = true;
    },
  });
  return doc.toString({ flowCollectionPadding: false });
}

export interface FieldDoc {
  /** Dotted path, e.g. "hardware.sram.capacity". */
  path: string;
  /** What it accepts, e.g. "size > 0 B", "integer from 1 to 32", "rbnn | conventional". */
  type: string;
  /** The embedded default as it would be written in a config file. */
  default: string;
  doc: string;
}

/** Every configuration key with what it accepts, its default and its meaning. */
export function describeFields(): FieldDoc[] {
  return fieldsOf().map(([path, field]) => ({
    path,
    type: fieldType(field),
    default: field.kind === 'quantity' ? field.default : JSON.stringify(field.default),
    doc: field.doc,
  }));
}

/** The field list as a text table: key, accepts, default, meaning (`rbnn-sim config --describe`). */
export function describeFieldsText(fields: readonly FieldDoc[] = describeFields()): string {
  const rows = fields.map((f) => [f.path, f.type, f.default, f.doc]);
  const width = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const pad = (r: string[]) =>
    r
      .map((c, i) => (i < 3 ? c.padEnd(width[i]!) : c))
      .join('  ')
      .trimEnd();
  return `${[pad(['key', 'accepts', 'default', 'meaning']), ...rows.map(pad)].join('\n')}\n`;
}

function valueAt(tree: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Tree)[key], tree);
}
