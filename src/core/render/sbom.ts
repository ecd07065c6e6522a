import * as CDX from '@cyclonedx/cyclonedx-library';
import { type SbomModel, type SbomModule, stdlibModule } from '../analyses/sbom.js';

const TOOL = 'goready';

/** Properties goready adds, namespaced as CycloneDX's property taxonomy asks. */
const P = (name: string) => `${TOOL}:${name}`;

function addLicense(c: CDX.Models.Component, expr: string | null): void {
  if (!expr) return;
  const ack = { acknowledgement: CDX.Enums.LicenseAcknowledgement.Concluded };
  if (/\s(AND|OR|WITH)\s/.test(expr)) {
    const e = new CDX.Models.LicenseExpression(expr);
    e.acknowledgement = ack.acknowledgement;
    c.licenses.add(e);
  } else if (expr.startsWith('LicenseRef-')) c.licenses.add(new CDX.Models.NamedLicense(expr, ack));
  else c.licenses.add(new CDX.Models.SpdxLicense(expr, ack));
}

function component(type: CDX.Enums.ComponentType, m: SbomModule): CDX.Models.Component {
  const c = new CDX.Models.Component(type, m.path, { version: m.version, bomRef: m.purl || `file:${m.path}` });
  if (m.purl) c.purl = m.purl;
  if (m.sha256) c.hashes.set(CDX.Enums.HashAlgorithm['SHA-256'], m.sha256);
  if (m.h1) c.properties.add(new CDX.Models.Property(P('go:h1'), m.h1));
  if (m.replaces) {
    c.properties.add(new CDX.Models.Property(P('go:replace:path'), m.replaces.path));
    if (m.replaces.version) c.properties.add(new CDX.Models.Property(P('go:replace:version'), m.replaces.version));
  }
  if (m.versionDerived) c.properties.add(new CDX.Models.Property(P('version:derived'), m.versionDerived));
  addLicense(c, m.licenseConcluded);
  return c;
}

/** CycloneDX 1.6 JSON, built with the CycloneDX library. */
/** `toolVersion` is goready's own version, recorded as the SBOM's creating tool. */
export function toCycloneDX(s: SbomModel, toolVersion: string, timestamp: Date = new Date()): string {
  const bom = new CDX.Models.Bom();
  bom.metadata.timestamp = timestamp;
  bom.metadata.tools.components.add(new CDX.Models.Component(CDX.Enums.ComponentType.Application, TOOL, { version: toolVersion }));
  const main = component(CDX.Enums.ComponentType.Application, s.main);
  for (const x of s.settings) main.properties.add(new CDX.Models.Property(P(`build:${x.key}`), x.value));
  main.properties.add(new CDX.Models.Property(P('crypto:boringcrypto'), String(s.crypto.boringcrypto)));
  if (s.crypto.gofips140) main.properties.add(new CDX.Models.Property(P('crypto:GOFIPS140'), s.crypto.gofips140));
  if (s.crypto.fips140Godebug) main.properties.add(new CDX.Models.Property(P('crypto:godebug-fips140'), s.crypto.fips140Godebug));
  if (s.noModuleList) main.properties.add(new CDX.Models.Property(P('go:modules'), 'unknown: the build info records no module list'));
  bom.metadata.component = main;
  // The Go toolchain's standard library is compiled into every binary.
  const stdlib = stdlibModule(s);
  if (stdlib) {
    const std = new CDX.Models.Component(CDX.Enums.ComponentType.Library, stdlib.path, { version: stdlib.version, bomRef: stdlib.purl });
    std.purl = stdlib.purl;
    std.licenses.add(new CDX.Models.SpdxLicense('BSD-3-Clause', { acknowledgement: CDX.Enums.LicenseAcknowledgement.Declared }));
    for (const e of s.go.experiments) std.properties.add(new CDX.Models.Property(P('go:experiment'), e));
    bom.components.add(std);
    main.dependencies.add(std.bomRef);
  }
  for (const d of s.deps) {
    const c = component(CDX.Enums.ComponentType.Library, d);
    bom.components.add(c);
    // Build info is flat: it says the main module uses every dependency, not who uses whom.
    main.dependencies.add(c.bomRef);
  }
  for (const lib of s.linked) {
    const c = new CDX.Models.Component(CDX.Enums.ComponentType.Library, lib, { bomRef: `linked:${lib}` });
    c.properties.add(new CDX.Models.Property(P('linked'), 'dynamic'));
    const d = s.linkedDetails?.find((x) => x.name === lib);
    if (d?.path) c.properties.add(new CDX.Models.Property(P('linked:path'), d.path));
    if (d?.package) c.properties.add(new CDX.Models.Property(P('linked:debian-package'), d.package));
    addLicense(c, d?.license ?? null);
    bom.components.add(c);
    main.dependencies.add(c.bomRef);
  }
  const ser = new CDX.Serialize.JsonSerializer(new CDX.Serialize.JSON.Normalize.Factory(CDX.Spec.Spec1dot6));
  return ser.serialize(bom, { sortLists: true, space: 2 });
}

const spdxId = (s: string) => `SPDXRef-${s.replace(/[^A-Za-z0-9.-]+/g, '-')}`;

/** SPDX 2.3 JSON. */
export function toSPDX(s: SbomModel, toolVersion: string, timestamp: Date = new Date(), namespaceSeed = ''): string {
  const created = timestamp.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const refs: string[] = [];
  const extracted = new Set<string>();
  const pkg = (m: SbomModule, primary: boolean) => {
    const id = spdxId(`Package-${m.path}-${m.version || 'unknown'}`);
    refs.push(id);
    for (const r of (m.licenseConcluded ?? '').match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) extracted.add(r);
    const p: Record<string, unknown> = {
      SPDXID: id,
      name: m.path,
      versionInfo: m.version || 'NOASSERTION',
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: m.licenseConcluded ?? 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      ...(m.purl ? { externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: m.purl }] } : {}),
    };
    if (primary) p.primaryPackagePurpose = 'APPLICATION';
    if (m.sha256) p.checksums = [{ algorithm: 'SHA256', checksumValue: m.sha256 }];
    const notes: string[] = [];
    if (m.h1) notes.push(`go sum ${m.h1}`);
    if (m.replaces) notes.push(`replaced by ${m.replaces.path}${m.replaces.version ? `@${m.replaces.version}` : ''}`);
    if (m.versionDerived) notes.push(`version derived from ${m.versionDerived === 'vcs' ? 'vcs.revision and vcs.time' : '-ldflags -X'}`);
    if (notes.length) p.comment = notes.join('; ');
    return p;
  };
  const packages = [pkg(s.main, true)];
  const mainId = refs[0] as string;
  packages[0] = {
    ...packages[0],
    comment: [
      ...(packages[0]?.comment ? [packages[0].comment as string] : []),
      ...(s.noModuleList ? ['dependencies unknown: the build info records no module list'] : []),
      `built with ${s.go.version ?? 'an unknown Go version'}${s.go.experiments.length ? ` X:${s.go.experiments.join(',')}` : ''}`,
      `build settings: ${s.settings.map((x) => `${x.key}=${x.value}`).join(' ')}`,
      `crypto: boringcrypto=${s.crypto.boringcrypto}${s.crypto.gofips140 ? ` GOFIPS140=${s.crypto.gofips140}` : ''}${s.crypto.fips140Godebug ? ` fips140=${s.crypto.fips140Godebug}` : ''}`,
    ].join('; '),
  };
  const stdlib = stdlibModule(s);
  if (stdlib) {
    const std = pkg(stdlib, false);
    std.licenseDeclared = 'BSD-3-Clause';
    std.comment = `the Go standard library of ${s.go.version}${s.go.experiments.length ? ` X:${s.go.experiments.join(',')}` : ''}`;
    packages.push(std);
  }
  for (const d of s.deps) packages.push(pkg(d, false));
  for (const lib of s.linked) {
    const d = s.linkedDetails?.find((x) => x.name === lib);
    const id = spdxId(`Linked-${lib}`);
    refs.push(id);
    for (const r of (d?.license ?? '').match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) extracted.add(r);
    packages.push({
      SPDXID: id,
      name: lib,
      versionInfo: 'NOASSERTION',
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: d?.license ?? 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      comment: `dynamically linked${d?.path ? ` from ${d.path}` : ''}${d?.package ? `, Debian package ${d.package}` : ''}`,
    });
  }
  const doc: Record<string, unknown> = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: s.name,
    documentNamespace: `https://goready.invalid/spdx/${encodeURIComponent(s.name)}-${encodeURIComponent(s.main.version || 'unknown')}-${namespaceSeed || created}`,
    creationInfo: { created, creators: [`Tool: ${TOOL}-${toolVersion}`] },
    documentDescribes: [mainId],
    packages,
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: mainId },
      ...refs.slice(1).map((r) => ({ spdxElementId: mainId, relationshipType: 'DEPENDS_ON', relatedSpdxElement: r })),
    ],
  };
  if (extracted.size) {
    doc.hasExtractedLicensingInfos = [...extracted].map((id) => ({
      licenseId: id,
      extractedText: 'Licence text not in the SPDX list; classified by goready as unknown.',
      name: id,
    }));
  }
  return `${JSON.stringify(doc, null, 2)}\n`;
}
