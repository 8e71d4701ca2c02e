/** One regular expression from pieces: their sources joined, the flags of the first (long patterns, short lines). */
export function joined(...parts: RegExp[]): RegExp {
  return new RegExp(parts.map((p) => p.source).join(''), parts[0]?.flags ?? '');
}
