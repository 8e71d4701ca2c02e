/** Plain-text tables for the terminal: right-aligned numbers, left-aligned text. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const numeric = header.map((_, c) =>
    rows.every((r) => typeof r[c] === 'number' || /^[-+]?[\d.,]+\s*%?\w*$/.test(String(r[c]))),
  );
  const line = (r: string[]): string =>
    r
      .map((v, c) => (numeric[c] ? v.padStart(widths[c]!) : v.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
