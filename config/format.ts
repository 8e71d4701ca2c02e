/**
 * Printing a resolved configuration: quantities back with units, as an object, JSON or YAML.
 * The printed forms (with units) are valid config files: loading one gives the same config.
 */
import YAML from 'yaml';
import type { Config } from './schema.js';
import { formatQuantity } from './units.js';
import { fieldType, fieldsOf, type Tree } from './validate.js';

/** The configuration with every quantity written with a unit ("256 KiB", "8 pJ"). */
export function formatConfig(cfg: Config): Tree {
  const out: Tree = {};
  for (const [path, field] of fieldsOf()) {
    const value = valueAt(cfg, path);
    const printed = field.kind === 'quantity' ? formatQuantity(value as number, field.dimension) : structuredClone(value);
    const keys = path.split('.');
    let node = out;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Tree;
    node[keys[keys.length - 1]!] = printed;
  }
  return out;
}

/**
 * JSON text of the configuration. By default quantities are unit strings (the output can be
 * loaded back with --config); with `canonical` they are plain numbers in bits, J, Hz, s, W.
 */
export function configToJson(cfg: Config, opts: { canonical?: boolean } = {}): string {
  return JSON.stringify(opts.canonical ? cfg : formatConfig(cfg), null, 2);
}

/** YAML text of the configuration with units; lists on one line. */
export function configToYaml(cfg: Config): string {
  const doc = new YAML.Document(formatConfig(cfg));
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

function valueAt(tree: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Tree)[key], tree);
}
