// kubectl's table layout: left-aligned columns, three spaces apart, the last one unpadded.

const GAP = '   ';

/** Column widths for rows (header included), so later rows (watch) can keep the alignment. */
export function columnWidths(rows: string[][]): number[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return widths;
}

export function formatRow(row: string[], widths: number[]): string {
  return row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join(GAP);
}

/** Rows laid out as a table; pass `widths` to keep a watch's later rows aligned with the first. */
export function formatTable(rows: string[][], widths = columnWidths(rows)): string {
  return rows.map((r) => formatRow(r, widths).trimEnd() + '\n').join('');
}
