import { UnsupportedError } from '../../errors.js';
import { readBuildInfo } from '../../go/buildinfo.js';
import { parseModinfo } from '../../go/modinfo.js';
import { findPclntab, readFileTable } from '../../go/pclntab.js';
import type { ByteSource } from '../../io/source.js';
import { openObject } from '../../object/open.js';
import { isUpxPacked } from '../../object/upx.js';
import { sizeAdvice } from './advice.js';
import { attributeSizes } from './attribute.js';
import type { SizeReport } from './model.js';

/** `goready size`: the size report of a binary (the first slice of a universal Mach-O). */
export async function size(src: ByteSource, opts: { path?: string; functions?: boolean } = {}): Promise<SizeReport> {
  const [first] = await openObject(src);
  if (!first) throw new UnsupportedError('no object in file');
  const obj = first.obj;
  const raw = await readBuildInfo(obj);
  const buildInfo = raw ? parseModinfo(raw.modinfo) : null;
  const linkage = await obj.linkage();
  // Executable bytes outside Go functions are C code when cgo was on (or the binary links a libc).
  const setting = buildInfo?.settings.find((s) => s.key === 'CGO_ENABLED');
  const cgo = setting ? setting.value === '1' : !linkage.static;
  const loc = await findPclntab(obj);
  const report = await attributeSizes(obj, { pclntab: loc, path: opts.path, buildInfo, cgo, functions: opts.functions });
  const files = loc ? await readFileTable(obj, loc) : [];
  const upx = await isUpxPacked(obj);
  report.advice = sizeAdvice({ path: report.path, fileSize: report.fileSize, modules: report.modules, buildInfo, files, upx });
  return report;
}
