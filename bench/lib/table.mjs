// Markdown tables and small number formatting shared by the bench reports.

export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export const fixed = (x, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits));
export const ratio = (a, b, digits = 2) => (a && b ? `${(a / b).toFixed(digits)}x` : 'n/a');
export const thousands = (x) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : Math.round(x).toLocaleString('en-US'));

export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** A one-line description of the machine and its load, for the header of a report. */
export async function machineLine() {
  const os = await import('node:os');
  const cpus = os.cpus();
  return `${cpus.length} x ${cpus[0]?.model ?? 'cpu'}, Node ${process.version}, loadavg at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}
