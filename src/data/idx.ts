// IDX files (the MNIST / Fashion-MNIST format) and gzip, with Web APIs only so the same parser
// serves the browser loader and the Node one.
import type { HostTensor } from '../tensor.js';

const KIND: Record<number, string> = { 1: 'labels', 3: 'images' };

/**
 * Parses an unsigned-byte IDX file: magic 0x00000801 (labels, N) or 0x00000803 (images, N×H×W),
 * big-endian dimensions, then the bytes. The data is a view into `bytes`, not a copy.
 * `name` (a file name or URL) starts every error message.
 */
export function parseIdx(bytes: Uint8Array, name: string): HostTensor {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new Error(`${name}: gzip-compressed data, not IDX; decompress it first (gunzip)`);
  }
  if (bytes.length < 4) throw new Error(`${name}: ${bytes.length} bytes is too short for an IDX header (truncated?)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const ndims = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08 || !(ndims in KIND)) {
    throw new Error(
      `${name}: not an unsigned-byte IDX file of images or labels: magic 0x${magic.toString(16).padStart(8, '0')}, ` +
        'expected 0x00000803 (images) or 0x00000801 (labels)',
    );
  }
  const header = 4 + 4 * ndims;
  if (bytes.length < header) throw new Error(`${name}: ${bytes.length} bytes is too short for an IDX header of ${ndims} dimensions (truncated?)`);
  const shape = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = header + shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    const why = bytes.length < expected ? 'truncated?' : 'trailing data?';
    throw new Error(`${name}: expected ${expected} bytes for ${KIND[ndims]} ${shape.join('×')}, got ${bytes.length} (${why})`);
  }
  return { data: bytes.subarray(header), shape };
}

/** Decompresses gzip data with the Web Streams DecompressionStream (browsers, Node ≥ 18). */
export async function gunzip(bytes: Uint8Array, name = 'gzip data'): Promise<Uint8Array> {
  try {
    // (TypeScript's Blob wants ArrayBuffer-backed views; file and fetch bytes always are.)
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new Error(`${name}: not a valid gzip file (${(e as Error).message})`);
  }
}

/** An IDX file that may or may not still be gzipped (a server may have sent it decoded already). */
export async function readIdx(bytes: Uint8Array, name: string): Promise<HostTensor> {
  const gzipped = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return parseIdx(gzipped ? await gunzip(bytes, name) : bytes, name);
}
