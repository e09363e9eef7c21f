/**
 * A grouped bar chart as a PNG, in plain Node (zlib for the compression, a built-in 5x7 bitmap
 * font for the text): no native or npm dependency, deterministic bytes for the same input.
 */
import { deflateSync } from 'node:zlib';

type RGB = [number, number, number];

export interface BarSeries {
  name: string;
  color: RGB;
  /** One value per group (null: no bar). */
  values: Array<number | null>;
}

export interface BarChart {
  title: string;
  subtitle?: string;
  yLabel: string;
  groups: string[];
  series: BarSeries[];
  /** Text drawn above each bar (defaults to the value with one decimal). */
  format?: (v: number) => string;
  width?: number;
  height?: number;
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
  '_': ['.....', '.....', '.....', '.....', '.....', '.....', '#####'],
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
const GRID: RGB = [225, 225, 225];

/** Render a grouped bar chart to PNG bytes. */
export function renderBarChart(chart: BarChart): Buffer {
  const width = chart.width ?? 1100;
  const height = chart.height ?? 620;
  const canvas = new Canvas(width, height, [255, 255, 255]);
  const format = chart.format ?? ((v: number) => v.toFixed(1));
  const left = 90;
  const right = 30;
  const top = chart.subtitle ? 86 : 64;
  const legendRows = Math.ceil(chart.series.length / 2);
  const bottom = 70 + legendRows * 24;
  const plotW = width - left - right;
  const plotH = height - top - bottom;

  canvas.text(width / 2, 18, chart.title, 3, INK, 'center');
  if (chart.subtitle) canvas.text(width / 2, 52, chart.subtitle, 2, [90, 90, 90], 'center');

  const values = chart.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const maxValue = Math.max(1e-9, ...values);
  const step = niceStep(maxValue * 1.1, 6);
  const axisMax = Math.ceil((maxValue * 1.12) / step) * step;
  const yOf = (v: number) => top + plotH - (v / axisMax) * plotH;

  for (let v = 0; v <= axisMax + step / 1000; v += step) {
    const y = yOf(v);
    canvas.rect(left, y, plotW, 1, GRID);
    canvas.text(left - 10, y - 7, step < 1 ? v.toFixed(1) : String(Math.round(v)), 2, INK, 'right');
  }
  canvas.rect(left, top, 2, plotH, INK);
  canvas.rect(left, top + plotH, plotW, 2, INK);
  canvas.verticalText(18, top + plotH / 2, chart.yLabel, 2, INK);

  const groupW = plotW / chart.groups.length;
  const barCount = chart.series.length;
  const barW = Math.min(90, (groupW * 0.8) / barCount);
  chart.groups.forEach((group, g) => {
    const gx = left + g * groupW + (groupW - barW * barCount) / 2;
    chart.series.forEach((s, i) => {
      const v = s.values[g];
      if (v === null || v === undefined) return;
      const x = gx + i * barW;
      const y = yOf(v);
      canvas.rect(x + 3, y, barW - 6, top + plotH - y, s.color);
      const label = format(v);
      const scale = Canvas.textWidth(label, 2) <= barW ? 2 : 1;
      canvas.text(x + barW / 2, y - (scale === 2 ? 18 : 10), label, scale, INK, 'center');
    });
    canvas.text(left + g * groupW + groupW / 2, top + plotH + 14, group, 2, INK, 'center');
  });

  chart.series.forEach((s, i) => {
    const col = i % 2;
    const row = Math.floor(i / 2);
    const x = left + col * (plotW / 2) + 10;
    const y = top + plotH + 50 + row * 24;
    canvas.rect(x, y, 16, 16, s.color);
    canvas.text(x + 26, y + 1, s.name, 2, INK);
  });
  return canvas.png();
}
