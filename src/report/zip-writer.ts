import { constants, crc32, deflateRawSync } from "node:zlib";

/**
 * A zip archive written in memory, entry after entry, as an XLSX package needs it (deflate,
 * UTF-8 names, no zip64: an entry stays under 4 GiB). An entry is fed text in pieces, gathered
 * up to about 1 MB and deflated on its own with a sync flush; the pieces' output concatenated is
 * still one valid deflate stream (each piece refers back only within itself), so a
 * 100,000-row sheet never sits in memory uncompressed.
 *
 *   const zip = new ZipWriter(new Date());
 *   zip.file("a.xml", "<a/>");
 *   const entry = zip.entry("big.xml"); entry.write(part1); entry.write(part2); entry.end();
 *   const bytes = zip.finish();
 */

const LEVEL = 6;
/** Text gathered before it is deflated: large enough to compress well, small enough to stay light. */
const PIECE_CHARS = 1 << 20;
const MAX_32 = 0xffffffff;

interface Written {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

export interface ZipEntry {
  write(text: string): void;
  end(): void;
}

export class ZipWriter {
  private readonly out: Buffer[] = [];
  private offset = 0;
  private readonly entries: Written[] = [];
  private readonly time: number;
  private readonly date: number;
  private open = false;

  constructor(modified: Date) {
    // DOS time and date, local to the archive: the instant's UTC fields.
    this.time = (modified.getUTCHours() << 11) | (modified.getUTCMinutes() << 5) | (modified.getUTCSeconds() >> 1);
    this.date =
      ((Math.max(1980, modified.getUTCFullYear()) - 1980) << 9) |
      ((modified.getUTCMonth() + 1) << 5) |
      modified.getUTCDate();
  }

  /** A whole entry at once. */
  file(name: string, text: string): void {
    const e = this.entry(name);
    e.write(text);
    e.end();
  }

  /** An entry written in pieces; the next entry may start once this one has ended. */
  entry(name: string): ZipEntry {
    if (this.open) throw new Error(`zip: la voce precedente non è chiusa (${name})`);
    this.open = true;
    const parts: Buffer[] = [];
    let crc = 0;
    let size = 0;
    let compressed = 0;
    const deflate = (raw: Buffer, last: boolean) => {
      const piece = deflateRawSync(raw, {
        level: LEVEL,
        finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
      });
      parts.push(piece);
      compressed += piece.length;
    };
    let pending: string[] = [];
    let pendingChars = 0;
    const flush = (last: boolean) => {
      const raw = Buffer.from(pending.join(""), "utf8");
      pending = [];
      pendingChars = 0;
      crc = crc32(raw, crc);
      size += raw.length;
      deflate(raw, last);
    };
    return {
      write: (text) => {
        pending.push(text);
        pendingChars += text.length;
        if (pendingChars >= PIECE_CHARS) flush(false);
      },
      end: () => {
        flush(true);
        if (size > MAX_32 || compressed > MAX_32) throw new Error(`zip: la voce ${name} supera i 4 GiB`);
        const nameBytes = Buffer.from(name, "utf8");
        const header = Buffer.alloc(30);
        header.writeUInt32LE(0x04034b50, 0);
        header.writeUInt16LE(20, 4); // version needed: deflate
        header.writeUInt16LE(0x0800, 6); // names in UTF-8
        header.writeUInt16LE(8, 8); // deflate
        header.writeUInt16LE(this.time, 10);
        header.writeUInt16LE(this.date, 12);
        header.writeUInt32LE(crc >>> 0, 14);
        header.writeUInt32LE(compressed, 18);
        header.writeUInt32LE(size, 22);
        header.writeUInt16LE(nameBytes.length, 26);
        header.writeUInt16LE(0, 28);
        this.entries.push({ name: nameBytes, crc: crc >>> 0, compressed, size, offset: this.offset });
        this.push(header, nameBytes, ...parts);
        this.open = false;
      },
    };
  }

  /** The archive: entries, then the central directory. */
  finish(): Buffer {
    if (this.open) throw new Error("zip: una voce non è chiusa");
    const start = this.offset;
    for (const e of this.entries) {
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(20, 4); // made by
      h.writeUInt16LE(20, 6); // needed
      h.writeUInt16LE(0x0800, 8);
      h.writeUInt16LE(8, 10);
      h.writeUInt16LE(this.time, 12);
      h.writeUInt16LE(this.date, 14);
      h.writeUInt32LE(e.crc, 16);
      h.writeUInt32LE(e.compressed, 20);
      h.writeUInt32LE(e.size, 24);
      h.writeUInt16LE(e.name.length, 28);
      h.writeUInt32LE(e.offset, 42);
      this.push(h, e.name);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    this.push(end);
    return Buffer.concat(this.out, this.offset);
  }

  private push(...bufs: Buffer[]): void {
    for (const b of bufs) {
      this.out.push(b);
      this.offset += b.length;
    }
    if (this.offset > MAX_32) throw new Error("zip: l'archivio supera i 4 GiB");
  }
}
