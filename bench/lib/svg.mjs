// A hand-written SVG bar chart for the report: one panel per figure, one row per subject, a bar per series.

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLORS = ['#3465a4', '#f57900', '#73d216', '#75507b'];

/** A tick step of 1, 2 or 5 × 10^k that gives about `target` ticks up to max. */
function niceStep(max, target = 5) {
  const raw = max / target;
  const pow = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * pow).find((s) => raw <= s) ?? 10 * pow;
}

/**
 * panels: [{ title, unit, format(value) → text, series: [{ name, values: Map<rowLabel, number> }] }]
 * rows: the row labels, in order (a row with no value in a series gets no bar there).
 */
export function barChartSvg({ title, subtitle = '', rows, panels }) {
  const W = 920;
  const labelW = 240;
  const plotW = W - labelW - 110;
  const barH = 13;
  const out = [];
  let y = 30;
  out.push(`<text x="${W / 2}" y="${y}" text-anchor="middle" font-size="17" font-weight="bold">${esc(title)}</text>`);
  if (subtitle) out.push(`<text x="${W / 2}" y="${(y += 20)}" text-anchor="middle" font-size="11" fill="#555">${esc(subtitle)}</text>`);
  y += 20;
  for (const panel of panels) {
    const series = panel.series.filter((s) => rows.some((r) => Number.isFinite(s.values.get(r))));
    const max = Math.max(1e-9, ...series.flatMap((s) => rows.map((r) => s.values.get(r)).filter(Number.isFinite)));
    const step = niceStep(max);
    const top = Math.ceil(max / step) * step;
    const x = (v) => labelW + (v / top) * plotW;
    y += 18;
    out.push(`<text x="${labelW}" y="${y}" font-size="14" font-weight="bold">${esc(panel.title)}</text>`);
    series.forEach((s, i) => {
      const lx = W - 110 - (series.length - i) * 90;
      out.push(`<rect x="${lx}" y="${y - 10}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${lx + 16}" y="${y}" font-size="12">${esc(s.name)}</text>`);
    });
    y += 10;
    const rowH = series.length * (barH + 2) + 8;
    const plotTop = y;
    const plotBottom = y + rows.length * rowH;
    for (let v = 0; v <= top + 1e-9; v += step) {
      out.push(`<line x1="${x(v).toFixed(1)}" y1="${plotTop}" x2="${x(v).toFixed(1)}" y2="${plotBottom}" stroke="#ddd"/>`);
      out.push(`<text x="${x(v).toFixed(1)}" y="${plotBottom + 14}" text-anchor="middle" font-size="10" fill="#555">${esc(panel.format(v))}</text>`);
    }
    rows.forEach((row, r) => {
      const rowTop = plotTop + r * rowH + 4;
      out.push(`<text x="${labelW - 8}" y="${rowTop + (rowH - 8) / 2 + 4}" text-anchor="end" font-size="12">${esc(row)}</text>`);
      series.forEach((s, i) => {
        const v = s.values.get(row);
        if (!Number.isFinite(v)) return;
        const by = rowTop + i * (barH + 2);
        out.push(`<rect x="${labelW}" y="${by}" width="${Math.max(1, x(v) - labelW).toFixed(1)}" height="${barH}" fill="${COLORS[i % COLORS.length]}"><title>${esc(`${row} ${s.name}: ${panel.format(v)} ${panel.unit}`)}</title></rect>`);
        out.push(`<text x="${(x(v) + 4).toFixed(1)}" y="${by + barH - 2}" font-size="10">${esc(panel.format(v))}</text>`);
      });
    });
    out.push(`<line x1="${labelW}" y1="${plotTop}" x2="${labelW}" y2="${plotBottom}" stroke="#333"/>`);
    out.push(`<text x="${labelW + plotW / 2}" y="${plotBottom + 30}" text-anchor="middle" font-size="11" fill="#333">${esc(panel.unit)}</text>`);
    y = plotBottom + 44;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" viewBox="0 0 ${W} ${y}" font-family="sans-serif">`,
    `<rect width="${W}" height="${y}" fill="#fff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
