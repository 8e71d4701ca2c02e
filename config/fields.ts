/**
 * Field descriptors of the configuration schema. A descriptor says what a leaf of the
 * configuration holds (a physical quantity in a given dimension, an integer, a choice...)
 * and its default. The resolved configuration's TypeScript type is inferred from the schema,
 * so the schema is the single source of truth for keys, types, units and defaults.
 */

/** Canonical internal units: bits, joules, hertz, seconds, watts. */
export type Dimension = 'bit' | 'J' | 'Hz' | 's' | 'W';

export interface QuantityField {
  kind: 'quantity';
  dimension: Dimension;
  /** Default written with its unit, e.g. "64 KiB". */
  default: string;
  /** Smallest allowed canonical value (inclusive). */
  min?: number;
  /** If true the value must be strictly above `min`. */
  exclusiveMin?: boolean;
  doc: string;
}
export interface IntField {
  kind: 'int';
  default: number;
  min?: number;
  max?: number;
  doc: string;
}
export interface NumberField {
  kind: 'number';
  default: number;
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  doc: string;
}
export interface EnumField<T extends string = string> {
  kind: 'enum';
  values: readonly T[];
  default: T;
  doc: string;
}
export interface BoolField {
  kind: 'bool';
  default: boolean;
  doc: string;
}
export interface StringField {
  kind: 'string';
  default: string | null;
  doc: string;
}
export interface IntListField {
  kind: 'intList';
  default: number[];
  min?: number;
  minLength?: number;
  doc: string;
}

export type Field = QuantityField | IntField | NumberField | EnumField | BoolField | StringField | IntListField;
export interface Section {
  [key: string]: Field | Section;
}

export function isField(x: Field | Section): x is Field {
  return typeof (x as Field).kind === 'string' && typeof (x as Field).doc === 'string';
}

export const quantity = (
  dimension: Dimension,
  def: string,
  doc: string,
  opts: { min?: number; exclusiveMin?: boolean } = {},
): QuantityField => ({ kind: 'quantity', dimension, default: def, doc, ...opts });
export const int = (def: number, doc: string, opts: { min?: number; max?: number } = {}): IntField => ({
  kind: 'int',
  default: def,
  doc,
  ...opts,
});
export const num = (
  def: number,
  doc: string,
  opts: { min?: number; max?: number; exclusiveMin?: boolean } = {},
): NumberField => ({ kind: 'number', default: def, doc, ...opts });
export const oneOf = <const T extends string>(values: readonly T[], def: T, doc: string): EnumField<T> => ({
  kind: 'enum',
  values,
  default: def,
  doc,
});
export const bool = (def: boolean, doc: string): BoolField => ({ kind: 'bool', default: def, doc });
export const str = (def: string | null, doc: string): StringField => ({ kind: 'string', default: def, doc });
export const intList = (def: number[], doc: string, opts: { min?: number; minLength?: number } = {}): IntListField => ({
  kind: 'intList',
  default: def,
  doc,
  ...opts,
});

/** The resolved (canonical, unit-free) value type of a field or section. */
export type Resolved<S> = S extends QuantityField
  ? number
  : S extends IntField
    ? number
    : S extends NumberField
      ? number
      : S extends EnumField<infer T>
        ? T
        : S extends BoolField
          ? boolean
          : S extends StringField
            ? string | null
            : S extends IntListField
              ? number[]
              : { -readonly [K in keyof S]: Resolved<S[K]> };
