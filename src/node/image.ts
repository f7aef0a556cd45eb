// Images on the CPU, for Node: decoding PNG/JPEG files into pixels, resizing, and writing PNGs.
// pngjs and jpeg-js are pure JavaScript, so nothing here needs a native module.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { HostTensor } from '../tensor.js';

/** Pixels row by row: 1 (grey), 3 (RGB) or 4 (RGBA) uint8 channels per pixel. */
export interface Image {
  data: Uint8Array;
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

/** The image formats decodeImage reads, by their first bytes (enough of a file to tell: 8 bytes). */
export const IMAGE_SIGNATURES: readonly { name: 'PNG' | 'JPEG'; bytes: readonly number[] }[] = [
  { name: 'PNG', bytes: PNG_SIGNATURE },
  { name: 'JPEG', bytes: JPEG_SIGNATURE },
];

/** The format whose signature `head` starts with, if any. */
export function imageFormat(head: Uint8Array): 'PNG' | 'JPEG' | undefined {
  return IMAGE_SIGNATURES.find((s) => s.bytes.every((b, i) => head[i] === b))?.name;
}

/** Pixels decodeImage accepts by default (PIL refuses about 179 million as a decompression bomb; this is lower). */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** Width and height from a PNG's IHDR chunk or a JPEG's start-of-frame segment, read before decoding. */
function declaredSize(bytes: Uint8Array, format: 'PNG' | 'JPEG'): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'PNG') {
    if (bytes.length < 24) throw new Error('truncated PNG: the file ends inside its header');
    return [view.getUint32(16), view.getUint32(20)];
  }
  // Segments FF xx LEN…; SOF0–SOF15 (not DHT C4, JPG C8, DAC CC) hold precision, height, width.
  for (let i = 2; i + 9 <= bytes.length; ) {
    if (bytes[i] !== 0xff) throw new Error(`damaged JPEG: no segment marker at byte ${i}`);
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return [view.getUint16(i + 7), view.getUint16(i + 5)];
    i += 2 + view.getUint16(i + 2);
  }
  throw new Error('truncated JPEG: the file ends before its frame header (no image size)');
}

/** Whether the bytes end with the format's end marker (PNG's IEND chunk, JPEG's EOI), allowing a little trailing padding. */
function endsWhole(bytes: Uint8Array, format: 'PNG' | 'JPEG'): boolean {
  const tail = bytes.subarray(Math.max(0, bytes.length - 64));
  for (let i = tail.length - 2; i >= 0; i--) {
    if (format === 'JPEG' && tail[i] === 0xff && tail[i + 1] === 0xd9) return true;
    if (format === 'PNG' && i + 4 <= tail.length && tail[i] === 0x49 && tail[i + 1] === 0x45 && tail[i + 2] === 0x4e && tail[i + 3] === 0x44) return true;
  }
  return false;
}

/**
 * Decodes a PNG or JPEG (told apart by their first bytes, not the file name) into H×W×3 uint8 RGB.
 * Grey becomes three equal channels; alpha is dropped, as PIL's convert('RGB') does for Keras's
 * load_img. Before decoding, the size the header declares must be at most `maxPixels` (a tiny file
 * claiming 20000×20000 allocates nothing) and the file must end whole (a truncated file is named as
 * such). Throws an Error starting with `name` when the bytes are not a decodable PNG or JPEG.
 */
export function decodeImage(bytes: Uint8Array, name: string, { maxPixels = MAX_IMAGE_PIXELS }: { maxPixels?: number } = {}): HostTensor {
  let rgba: Uint8Array;
  let width: number;
  let height: number;
  try {
    const format = imageFormat(bytes);
    if (!format) {
      const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new Error(`not a PNG or JPEG file (starts with ${head || 'nothing'})`);
    }
    const [w, h] = declaredSize(bytes, format);
    if (w === 0 || h === 0) throw new Error(`the ${format} header declares an empty ${w}×${h} image`);
    if (w * h > maxPixels) throw new Error(`the ${format} header declares ${w}×${h} pixels, over the limit of ${maxPixels.toLocaleString('en-US')} pixels`);
    if (!endsWhole(bytes, format)) throw new Error(`truncated ${format}: the file ends before its image data does`);
    if (format === 'PNG') {
      // pngjs normalises every PNG flavour (grey, palette, 16-bit, alpha) to 8-bit RGBA.
      ({ data: rgba, width, height } = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
    } else {
      // Strict decoding: a damaged JPEG is reported and skipped, not turned into grey blocks.
      ({ data: rgba, width, height } = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false, maxResolutionInMP: maxPixels / 1e6 }));
    }
  } catch (e) {
    const message = (e as Error).message;
    // pngjs's words for compressed data that stops early.
    throw new Error(`${name}: ${/waiting|waitng|unexpected end/i.test(message) ? 'truncated PNG: its compressed image data ends early' : message}`);
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    rgb[3 * p] = rgba[4 * p];
    rgb[3 * p + 1] = rgba[4 * p + 1];
    rgb[3 * p + 2] = rgba[4 * p + 2];
  }
  return { data: rgb, shape: [height, width, 3] };
}

/** For each output index along one axis: the first input index and the weights from there on. */
type AxisWeights = { first: number; weights: number[] }[];

/**
 * Shrinking averages the input interval each output pixel covers (area, like cv2.INTER_AREA and
 * TF's 'area'), so no input pixel is skipped; enlarging interpolates linearly between pixel
 * centres (TF's half-pixel bilinear, edges clamped).
 */
function axisWeights(inSize: number, outSize: number): AxisWeights {
  const scale = inSize / outSize;
  return Array.from({ length: outSize }, (_, o) => {
    if (outSize < inSize) {
      const lo = o * scale;
      const hi = (o + 1) * scale;
      const first = Math.floor(lo);
      const weights = [];
      for (let i = first; i < Math.min(Math.ceil(hi), inSize); i++) weights.push((Math.min(hi, i + 1) - Math.max(lo, i)) / scale);
      return { first, weights };
    }
    const src = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), inSize - 1);
    const first = Math.min(Math.floor(src), Math.max(inSize - 2, 0));
    const f = src - first;
    return { first, weights: inSize === 1 ? [1] : [1 - f, f] };
  });
}

/**
 * Resizes an H×W×C image to [height, width] (Keras's (height, width) order), each axis on its own:
 * area averaging where it shrinks, bilinear where it grows. Returns float32 in the input's units.
 */
export function resizeImage(image: HostTensor, [outH, outW]: readonly [number, number]): HostTensor {
  const [h, w, c] = image.shape;
  if (image.shape.length !== 3 || h < 1 || w < 1) throw new Error(`resizeImage: expected a non-empty H×W×C image, got shape [${image.shape.join(',')}]`);
  if (!(Number.isInteger(outH) && Number.isInteger(outW) && outH > 0 && outW > 0)) throw new Error(`resizeImage: size must be two positive integers, got [${outH},${outW}]`);
  const src = image.data;
  // Rows first (W → outW), in float64, then columns (H → outH).
  const across = axisWeights(w, outW);
  const rows = new Float64Array(h * outW * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < outW; x++) {
      const { first, weights } = across[x];
      for (let k = 0; k < c; k++) {
        let v = 0;
        for (let t = 0; t < weights.length; t++) v += weights[t] * src[(y * w + first + t) * c + k];
        rows[(y * outW + x) * c + k] = v;
      }
    }
  }
  const down = axisWeights(h, outH);
  const out = new Float32Array(outH * outW * c);
  for (let y = 0; y < outH; y++) {
    const { first, weights } = down[y];
    for (let i = 0; i < outW * c; i++) {
      let v = 0;
      for (let t = 0; t < weights.length; t++) v += weights[t] * rows[(first + t) * outW * c + i];
      out[y * outW * c + i] = v;
    }
  }
  return { data: out, shape: [outH, outW, c] };
}

const COLOR_TYPE: Record<number, 0 | 2 | 6> = { 1: 0, 3: 2, 4: 6 };

/** PNG file bytes for grey, RGB or RGBA pixels, row by row (the channel count follows from the length). */
export function encodePng(data: Uint8Array, width: number, height: number): Uint8Array {
  const channels = data.length / (width * height);
  const colorType = COLOR_TYPE[channels];
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0) || colorType === undefined) {
    throw new Error(`encodePng: ${data.length} bytes is not ${width}×${height} pixels of 1, 3 or 4 channels`);
  }
  const png = new PNG({ width, height });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: channels === 4 });
}

/**
 * Writes a PNG atomically: into a temporary file beside it, then renamed over `path`, so a failure
 * leaves any older file whole. Creates the folder if needed.
 */
export async function writePng(path: string, data: Uint8Array, width: number, height: number): Promise<void> {
  const bytes = encodePng(data, width, height);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
