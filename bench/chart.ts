/**
 * Charts as a PNG, in plain Node (zlib for the compression, a built-in 5x7 bitmap font for the
 * text): no native or npm dependency, deterministic bytes for the same input. A figure stacks
 * panels: grouped bars (values per group) and lines (values over a numeric x axis, with an
 * optional dashed reference line).
 */
import { deflateSync } from 'node:zlib';

type RGB = [number, number, number];

export interface Series {
  name: string;
  color: RGB;
  /** One value per group (bars) or per x (lines); null: nothing drawn there. */
  values: Array<number | null>;
}

export interface BarPanel {
  kind: 'bar';
  title: string;
  yLabel: string;
  groups: string[];
  series: Series[];
  /** Text drawn above each bar (defaults to the value with one decimal). */
  format?: (v: number) => string;
}

export interface LinePanel {
  kind: 'line';
  title: string;
  yLabel: string;
  /** The x positions (increasing), labelled with `xFormat`. */
  x: number[];
  xFormat?: (x: number) => string;
  series: Series[];
  /** Text next to each point (defaults to the value with two decimals). */
  format?: (v: number) => string;
  reference?: { value: number; label: string };
}

export interface Figure {
  title: string;
  subtitle?: string;
  panels: Array<BarPanel | LinePanel>;
  width?: number;
  panelHeight?: number;
}

// 5x7 glyphs, seven rows of five cells each ('#' = ink), top to bottom.
const GLYPHS: Record<string, string[]> = {
  '0': ['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'],
  '1': ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  '2': ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  '3': ['#####', '...#.', '..#..', '...#.', '....#', '#...#', '.###.'],
  '4': ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
  '5': ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
  '6': ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'],
  '7': ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
  '8': ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
  '9': ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'],
  A: ['.###.', '#...#', '#...#', '#####', '#...#', '#...#', '#...#'],
  B: ['####.', '#...#', '#...#', '####.', '#...#', '#...#', '####.'],
  C: ['.###.', '#...#', '#....', '#....', '#....', '#...#', '.###.'],
  D: ['###..', '#..#.', '#...#', '#...#', '#...#', '#..#.', '###..'],
  E: ['#####', '#....', '#....', '####.', '#....', '#....', '#####'],
  F: ['#####', '#....', '#....', '####.', '#....', '#....', '#....'],
  G: ['.###.', '#...#', '#....', '#.###', '#...#', '#...#', '.####'],
  H: ['#...#', '#...#', '#...#', '#####', '#...#', '#...#', '#...#'],
  I: ['.###.', '..#..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  J: ['..###', '...#.', '...#.', '...#.', '...#.', '#..#.', '.##..'],
  K: ['#...#', '#..#.', '#.#..', '##...', '#.#..', '#..#.', '#...#'],
  L: ['#....', '#....', '#....', '#....', '#....', '#....', '#####'],
  M: ['#...#', '##.##', '#.#.#', '#.#.#', '#...#', '#...#', '#...#'],
  N: ['#...#', '#...#', '##..#', '#.#.#', '#..##', '#...#', '#...#'],
  O: ['.###.', '#...#', '#...#', '#...#', '#...#', '#...#', '.###.'],
  P: ['####.', '#...#', '#...#', '####.', '#....', '#....', '#....'],
  Q: ['.###.', '#...#', '#...#', '#...#', '#.#.#', '#..#.', '.##.#'],
  R: ['####.', '#...#', '#...#', '####.', '#.#..', '#..#.', '#...#'],
  S: ['.####', '#....', '#....', '.###.', '....#', '....#', '####.'],
  T: ['#####', '..#..', '..#..', '..#..', '..#..', '..#..', '..#..'],
  U: ['#...#', '#...#', '#...#', '#...#', '#...#', '#...#', '.###.'],
  V: ['#...#', '#...#', '#...#', '#...#', '#...#', '.#.#.', '..#..'],
  W: ['#...#', '#...#', '#...#', '#.#.#', '#.#.#', '#.#.#', '.#.#.'],
  X: ['#...#', '#...#', '.#.#.', '..#..', '.#.#.', '#...#', '#...#'],
  Y: ['#...#', '#...#', '.#.#.', '..#..', '..#..', '..#..', '..#..'],
  Z: ['#####', '....#', '...#.', '..#..', '.#...', '#....', '#####'],
  ' ': ['.....', '.....', '.....', '.....', '.....', '.....', '.....'],
  '.': ['.....', '.....', '.....', '.....', '.....', '.##..', '.##..'],
  ',': ['.....', '.....', '.....', '.....', '.##..', '..#..', '.#...'],
  ':': ['.....', '.##..', '.##..', '.....', '.##..', '.##..', '.....'],
  ';': ['.....', '.##..', '.##..', '.....', '.##..', '..#..', '.#...'],
  '(': ['...#.', '..#..', '.#...', '.#...', '.#...', '..#..', '...#.'],
  ')': ['.#...', '..#..', '...#.', '...#.', '...#.', '..#..', '.#...'],
  '-': ['.....', '.....', '.....', '#####', '.....', '.....', '.....'],
  '/': ['.....', '....#', '...#.', '..#..', '.#...', '#....', '.....'],
  '%': ['##...', '##..#', '...#.', '..#..', '.#...', '#..##', '...##'],
  '+': ['.....', '..#..', '..#..', '#####', '..#..', '..#..', '.....'],
  '=': ['.....', '.....', '#####', '.....', '#####', '.....', '.....'],
  '<': ['...#.', '..#..', '.#...', '#....', '.#...', '..#..', '...#.'],
  '>': ['.#...', '..#..', '...#.', '....#', '...#.', '..#..', '.#...'],
  _: ['.....', '.....', '.....', '.....', '.....', '.....', '#####'],
  "'": ['..#..', '..#..', '.#...', '.....', '.....', '.....', '.....'],
  '*': ['.....', '..#..', '#.#.#', '.###.', '#.#.#', '..#..', '.....'],
};

const GLYPH_W = 5;
const GLYPH_H = 7;

class Canvas {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: RGB,
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    this.rect(0, 0, width, height, background);
  }

  rect(x: number, y: number, w: number, h: number, color: RGB): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++) {
      for (let xx = x0; xx < x1; xx++) {
        const i = (yy * this.width + xx) * 3;
        this.pixels[i] = color[0];
        this.pixels[i + 1] = color[1];
        this.pixels[i + 2] = color[2];
      }
    }
  }

  /** A straight line `width` pixels thick; `dash` draws dash-gap pairs of that many pixels. */
  line(x0: number, y0: number, x1: number, y1: number, width: number, color: RGB, dash = 0): void {
    const length = Math.hypot(x1 - x0, y1 - y0);
    const steps = Math.max(1, Math.ceil(length));
    for (let i = 0; i <= steps; i++) {
      if (dash > 0 && Math.floor((i / dash) % 2) === 1) continue;
      const t = i / steps;
      this.rect(x0 + (x1 - x0) * t - width / 2, y0 + (y1 - y0) * t - width / 2, width, width, color);
    }
  }

  /** Text width in pixels at `scale`. */
  static textWidth(text: string, scale: number): number {
    return text.length === 0 ? 0 : text.length * (GLYPH_W + 1) * scale - scale;
  }

  text(x: number, y: number, text: string, scale: number, color: RGB, align: 'left' | 'center' | 'right' = 'left'): void {
    const width = Canvas.textWidth(text, scale);
    let cx = align === 'left' ? x : align === 'center' ? x - width / 2 : x - width;
    for (const ch of text.toUpperCase()) {
      const glyph = GLYPHS[ch] ?? GLYPHS['*'];
      for (let row = 0; row < GLYPH_H; row++) {
        for (let col = 0; col < GLYPH_W; col++) {
          if (glyph[row][col] === '#') this.rect(cx + col * scale, y + row * scale, scale, scale, color);
        }
      }
      cx += (GLYPH_W + 1) * scale;
    }
  }

  /** Text rotated 90 degrees counter-clockwise, centred vertically on y. */
  verticalText(x: number, y: number, text: string, scale: number, color: RGB): void {
    let cy = y + Canvas.textWidth(text, scale) / 2;
    for (const ch of text.toUpperCase()) {
      const glyph = GLYPHS[ch] ?? GLYPHS['*'];
      for (let row = 0; row < GLYPH_H; row++) {
        for (let col = 0; col < GLYPH_W; col++) {
          if (glyph[row][col] === '#') this.rect(x + row * scale, cy - (col + 1) * scale, scale, scale, color);
        }
      }
      cy -= (GLYPH_W + 1) * scale;
    }
  }

  png(): Buffer {
    const stride = this.width * 3 + 1;
    const raw = Buffer.alloc(stride * this.height);
    for (let y = 0; y < this.height; y++) {
      raw[y * stride] = 0; // filter: none
      Buffer.from(this.pixels.buffer, this.pixels.byteOffset + y * this.width * 3, this.width * 3).copy(raw, y * stride + 1);
    }
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header[8] = 8; // bit depth
    header[9] = 2; // colour type: RGB
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(raw, { level: 9 })),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body), 0);
  return Buffer.concat([length, body, crc]);
}

/** A round axis step giving about `ticks` ticks up to `max`. */
function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

const INK: RGB = [40, 40, 40];
const GREY: RGB = [90, 90, 90];
const GRID: RGB = [225, 225, 225];

interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Title, legend (two columns under the plot) and a y axis from 0; returns the plot area and the y scale. */
function frame(canvas: Canvas, area: Area, title: string, yLabel: string, series: Series[], maxValue: number) {
  const left = area.x + 90;
  const right = area.x + area.width - 30;
  const top = area.y + 40;
  const legendRows = Math.ceil(series.length / 2);
  const bottom = area.y + area.height - (56 + legendRows * 24);
  const plot = { x: left, y: top, width: right - left, height: bottom - top };
  canvas.text(area.x + area.width / 2, area.y + 8, title, 2, INK, 'center');
  const step = niceStep(Math.max(1e-9, maxValue) * 1.1, 6);
  const axisMax = Math.ceil((Math.max(1e-9, maxValue) * 1.12) / step) * step;
  const yOf = (v: number) => plot.y + plot.height - (v / axisMax) * plot.height;
  for (let v = 0; v <= axisMax + step / 1000; v += step) {
    canvas.rect(plot.x, yOf(v), plot.width, 1, GRID);
    canvas.text(plot.x - 10, yOf(v) - 7, step < 1 ? v.toFixed(step < 0.1 ? 2 : 1) : String(Math.round(v)), 2, INK, 'right');
  }
  canvas.rect(plot.x, plot.y, 2, plot.height, INK);
  canvas.rect(plot.x, plot.y + plot.height, plot.width, 2, INK);
  canvas.verticalText(area.x + 18, plot.y + plot.height / 2, yLabel, 2, INK);
  series.forEach((s, i) => {
    const x = plot.x + (i % 2) * (plot.width / 2) + 10;
    const y = plot.y + plot.height + 44 + Math.floor(i / 2) * 24;
    canvas.rect(x, y, 16, 16, s.color);
    canvas.text(x + 26, y + 1, s.name, 2, INK);
  });
  return { plot, yOf };
}

function drawBars(canvas: Canvas, area: Area, panel: BarPanel): void {
  const format = panel.format ?? ((v: number) => v.toFixed(1));
  const values = panel.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const { plot, yOf } = frame(canvas, area, panel.title, panel.yLabel, panel.series, Math.max(0, ...values));
  const groupW = plot.width / panel.groups.length;
  const barCount = panel.series.length;
  const barW = Math.min(90, (groupW * 0.8) / barCount);
  panel.groups.forEach((group, g) => {
    const gx = plot.x + g * groupW + (groupW - barW * barCount) / 2;
    panel.series.forEach((s, i) => {
      const v = s.values[g];
      if (v === null || v === undefined) return;
      const x = gx + i * barW;
      const y = yOf(v);
      canvas.rect(x + 3, y, barW - 6, plot.y + plot.height - y, s.color);
      const label = format(v);
      const scale = Canvas.textWidth(label, 2) <= barW ? 2 : 1;
      canvas.text(x + barW / 2, y - (scale === 2 ? 18 : 10), label, scale, INK, 'center');
    });
    canvas.text(plot.x + g * groupW + groupW / 2, plot.y + plot.height + 14, group, 2, INK, 'center');
  });
}

function drawLines(canvas: Canvas, area: Area, panel: LinePanel): void {
  const format = panel.format ?? ((v: number) => v.toFixed(2));
  const xFormat = panel.xFormat ?? ((x: number) => String(x));
  const values = [
    ...panel.series.flatMap((s) => s.values.filter((v): v is number => v !== null)),
    ...(panel.reference ? [panel.reference.value] : []),
  ];
  const { plot, yOf } = frame(canvas, area, panel.title, panel.yLabel, panel.series, Math.max(0, ...values));
  const lo = panel.x[0];
  const hi = panel.x[panel.x.length - 1];
  const pad = plot.width * 0.08;
  const xOf = (x: number) => (hi === lo ? plot.x + plot.width / 2 : plot.x + pad + ((x - lo) / (hi - lo)) * (plot.width - 2 * pad));
  for (const x of panel.x) {
    canvas.rect(xOf(x), plot.y + plot.height, 2, 8, INK);
    canvas.text(xOf(x), plot.y + plot.height + 14, xFormat(x), 2, INK, 'center');
  }
  if (panel.reference) {
    const y = yOf(panel.reference.value);
    canvas.line(plot.x, y, plot.x + plot.width, y, 2, GREY, 8);
    canvas.text(plot.x + 10, y - 18, panel.reference.label, 2, GREY, 'left');
  }
  for (const s of panel.series) {
    let previous: [number, number] | null = null;
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) {
        previous = null;
        return;
      }
      const point: [number, number] = [xOf(panel.x[i]), yOf(v)];
      if (previous) canvas.line(previous[0], previous[1], point[0], point[1], 3, s.color);
      canvas.rect(point[0] - 5, point[1] - 5, 10, 10, s.color);
      canvas.text(point[0] + 9, point[1] - 16, format(v), 1, s.color);
      previous = point;
    });
  }
}

/** Render a figure (panels stacked top to bottom) to PNG bytes. */
export function renderFigure(figure: Figure): Buffer {
  const width = figure.width ?? 1100;
  const panelHeight = figure.panelHeight ?? 560;
  const head = figure.subtitle ? 86 : 64;
  const canvas = new Canvas(width, head + panelHeight * figure.panels.length, [255, 255, 255]);
  canvas.text(width / 2, 18, figure.title, 3, INK, 'center');
  if (figure.subtitle) canvas.text(width / 2, 52, figure.subtitle, 2, GREY, 'center');
  figure.panels.forEach((panel, i) => {
    const area = { x: 0, y: head + i * panelHeight, width, height: panelHeight };
    if (panel.kind === 'bar') drawBars(canvas, area, panel);
    else drawLines(canvas, area, panel);
  });
  return canvas.png();
}
