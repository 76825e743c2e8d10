// Reading the VSIX (a zip): its entries with their sizes, and extracting it.
// The benchmark measures what ships: bundle sizes come from the VSIX, and the
// activation runs load the extension unpacked from it (so a development build
// of dist/ made meanwhile by someone else cannot end up in the figures).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

/** Entries of a zip file: { name, size, compressedSize, data() }. */
export function readZip(file) {
  const buf = readFileSync(file);
  // End of central directory: signature 0x06054b50, within the last 64 KB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${n}`);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);
    entries.push({
      name,
      size,
      compressedSize,
      data() {
        const start = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
        const raw = buf.subarray(start, start + compressedSize);
        if (method === 0) return raw;
        if (method === 8) return inflateRawSync(raw);
        throw new Error(`${name}: unsupported zip method ${method}`);
      },
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Extracts every entry under `dir`; returns the folder of the extension (`dir/extension`). */
export function extractVsix(file, dir) {
  const root = resolve(dir);
  for (const e of readZip(file)) {
    if (e.name.endsWith('/')) continue;
    const target = resolve(root, e.name);
    if (!target.startsWith(root + sep)) throw new Error(`${file}: entry ${e.name} points outside the folder`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, e.data());
  }
  return join(root, 'extension');
}
