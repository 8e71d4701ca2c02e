/**
 * Resolving the configuration. Layers, each overriding the previous one:
 *
 *   1. the embedded defaults (config/schema.ts)
 *   2. a preset: configs/presets/<NAME>.yaml, .yml or .json
 *   3. a user config file (JSON or YAML, chosen by extension)
 *   4. `--set path=value` strings (value read as YAML: `64 KiB`, `[200]`, `null`)
 *   5. programmatic overrides keyed by dotted path (CLI flags such as --epochs)
 *
 * Every layer is validated on its own (unknown keys, types, units, ranges), so an error names
 * the layer it came from; cross-field constraints are checked on the merged result.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { Config } from './schema.js';
import { UserError } from './errors.js';
import { parseQuantity } from './units.js';
import { applyLayer, checkCrossFields, fieldsOf, isPlainObject, type Tree } from './validate.js';

export {
  formatConfig,
  configToJson,
  configToYaml,
  describeFields,
  describeFieldsText,
  type FieldDoc,
} from './format.js';

export interface ResolveOptions {
  /** A JSON or YAML config file. */
  file?: string;
  /** Name of a preset in the presets folder. */
  preset?: string;
  /** `path=value` strings, applied in order. */
  sets?: readonly string[];
  /** Dotted path -> value; undefined values are skipped (absent flags). */
  overrides?: Readonly<Record<string, unknown>>;
  /** Where presets live (default: configs/presets of the package). */
  presetDir?: string;
}

export function resolveConfig(opts: ResolveOptions = {}): Config {
  const cfg = defaultConfig();
  const target = cfg as unknown as Tree;
  // Several presets may be combined, "R2,paper": later ones override earlier ones.
  for (const name of opts.preset === undefined ? [] : opts.preset.split(',').map((n) => n.trim())) {
    const file = findPreset(name, opts.presetDir ?? defaultPresetDir());
    applyLayer(target, readConfigFile(file, `preset ${name}`), `preset ${name}`);
  }
  if (opts.file !== undefined) applyLayer(target, readConfigFile(opts.file), opts.file);
  for (const set of opts.sets ?? []) applyLayer(target, parseSet(set), '--set');
  if (opts.overrides) applyLayer(target, fromDottedPaths(opts.overrides), '');
  checkCrossFields(cfg);
  return cfg;
}

let defaults: Config | undefined;

/** The embedded default configuration (a fresh copy each call). */
export function defaultConfig(): Config {
  if (!defaults) {
    const tree: Tree = {};
    for (const [path, field] of fieldsOf()) {
      const value = field.kind === 'quantity' ? parseQuantity(field.default, field.dimension, path) : field.default;
      setPath(tree, path.split('.'), value);
    }
    defaults = tree as unknown as Config;
  }
  return structuredClone(defaults);
}

/** Reads a JSON or YAML config file into a plain object; `label` names it in messages. */
export function readConfigFile(file: string, label = file): Tree {
  if (!existsSync(file)) throw new UserError(`config file not found: ${file}`);
  if (statSync(file).isDirectory()) throw new UserError(`config file ${file} is a directory`);
  const ext = extname(file).toLowerCase();
  if (!['.json', '.yaml', '.yml'].includes(ext)) {
    throw new UserError(`config file ${file}: unknown format "${ext}" (use .json, .yaml or .yml)`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(
      `config file ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  const data = ext === '.json' ? parseJson(text, file) : parseYaml(text, file);
  if (data === null || data === undefined) return {}; // an empty file changes nothing
  if (!isPlainObject(data)) throw new UserError(`${label}: expected a mapping of configuration keys at the top level`);
  return data;
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8 messages: "... in JSON at position 7 (line 1 column 8)", "Unexpected end of JSON input",
    // or "Unexpected token 'm', "<the text>"... is not valid JSON" (no position: no line then).
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    const line = at
      ? text.slice(0, Number(at[1])).split('\n').length
      : /end of JSON input/.test(message)
        ? text.split('\n').length
        : null;
    const reason = message
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/, (\.\.\.)?"[\s\S]*"(\.\.\.)? is not valid JSON$/, '')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes
      .replace(/[\u0000-\u001f]/g, (c) => JSON.stringify(c).slice(1, -1)); // the token may be a newline
    throw new UserError(`${file}${line === null ? '' : `:${line}`}: invalid JSON: ${reason}`);
  }
}

function parseYaml(text: string, file: string): unknown {
  return yamlValue(text, (line, reason) => new UserError(`${file}${line ? `:${line}` : ''}: invalid YAML: ${reason}`));
}

/**
 * YAML text to a value; errors and warnings (an unknown tag such as !!js/function, an unknown
 * directive: things YAML would otherwise print as multi-line Node warnings) become `fail(line, reason)`.
 */
function yamlValue(text: string, fail: (line: number | undefined, reason: string) => Error): unknown {
  let doc: YAML.Document.Parsed;
  try {
    doc = YAML.parseDocument(text, { logLevel: 'error' });
  } catch (e) {
    throw fail(undefined, (e as Error).message.split('\n')[0]!);
  }
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem)
    throw fail(problem.linePos?.[0].line, problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw fail(undefined, (e as Error).message.split('\n')[0]!);
  }
}

/** "hardware.sram.capacity=128 KiB" -> { hardware: { sram: { capacity: "128 KiB" } } } */
export function parseSet(set: string): Tree {
  const eq = set.indexOf('=');
  const path = eq < 0 ? '' : set.slice(0, eq).trim();
  if (eq < 0 || !/^[\w-]+(\.[\w-]+)*$/.test(path)) {
    throw new UserError(`--set ${JSON.stringify(set)}: expected path=value, e.g. --set model.bits=12`);
  }
  const value = yamlValue(
    set.slice(eq + 1),
    (_line, reason) => new UserError(`--set ${set}: cannot read the value as YAML (${reason})`),
  );
  const tree: Tree = {};
  setPath(tree, path.split('.'), value);
  return tree;
}

/** { "training.epochs": 3 } -> { training: { epochs: 3 } } */
export function fromDottedPaths(values: Readonly<Record<string, unknown>>): Tree {
  const tree: Tree = {};
  for (const [path, value] of Object.entries(values)) {
    if (value !== undefined) setPath(tree, path.split('.'), value);
  }
  return tree;
}

function setPath(tree: Tree, keys: string[], value: unknown): void {
  let node = tree;
  for (const key of keys.slice(0, -1)) {
    if (!Object.hasOwn(node, key) || !isPlainObject(node[key])) define(node, key, {});
    node = node[key] as Tree;
  }
  define(node, keys[keys.length - 1]!, value);
}

// defineProperty, not assignment: a key "__proto__" must become an own key (then rejected as
// unknown), never the object's prototype.
function define(node: Tree, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Names of the presets available in `dir`, sorted. */
export function listPresets(dir = defaultPresetDir()): string[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/i.test(f))
    .map((f) => f.replace(/\.(ya?ml|json)$/i, ''));
  return [...new Set(names)].sort();
}

function findPreset(name: string, dir: string): string {
  if (/^[\w.-]+$/.test(name) && !name.startsWith('.')) {
    for (const ext of ['.yaml', '.yml', '.json']) {
      const file = join(dir, name + ext);
      if (existsSync(file)) return file;
    }
  }
  const available = listPresets(dir);
  throw new UserError(
    `unknown preset "${name}" (${available.length ? `available: ${available.join(', ')}` : `no presets in ${dir}`})`,
  );
}

/** configs/presets of the package, found from this module (works from sources and dist/). */
export function defaultPresetDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return resolve(dir, 'configs', 'presets');
}
