/** `goready size` on files: a binary's size report, or a report saved earlier with `size --format json`. */
import type { SizeReport } from '../core/analyses/size/model.js';
import { size } from '../core/analyses/size/size.js';
import { InputError } from '../core/errors.js';
import { asInputError } from './errors.js';
import { readJsonFile } from './files/read.js';
import { FileSource } from './files/source.js';

/** A saved size report is parsed whole: 128 MiB holds the --functions report of a binary ten times rclone's size. */
const SAVED_REPORT_CAP = { bytes: 128 << 20, what: 'saved size reports' };

export async function sizeOfFile(path: string, opts: { functions?: boolean } = {}): Promise<SizeReport> {
  let src: FileSource;
  try {
    src = new FileSource(path);
  } catch (e) {
    throw asInputError(path, e);
  }
  try {
    const head = await src.read(0, 1);
    if (head[0] === 0x7b) {
      const r = readJsonFile(path, SAVED_REPORT_CAP) as SizeReport;
      if (typeof r.fileSize !== 'number' || !Array.isArray(r.packages) || !Array.isArray(r.modules)) throw new InputError(path, 'not a goready size report');
      return r;
    }
    return await size(src, { path, functions: !!opts.functions });
  } catch (e) {
    throw asInputError(path, e);
  } finally {
    src.close();
  }
}
