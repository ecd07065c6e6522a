import { binaryLibc, type CheckInput, compareVersions, numericVersion } from '../facts/target.js';
import { type Checks, onTarget } from './check.js';

/** System calls the target's sandbox refuses (GR-SECCOMP-*; rules.ts has each rule). */
export const seccompChecks = {
  // clone3: glibc ≥ 2.34 creates threads with clone3 and falls back only on ENOSYS; Docker engines
  // before 20.10.10 answered EPERM from their default seccomp profile. Only a container meets that
  // profile, and only the engine's (dockerd's) version says which one: the docker client may be
  // newer, older, or talk to another machine.
  'GR-SECCOMP-001': onTarget(({ binary: r, target }) => {
    const { host } = target;
    const libc = host.libc;
    const glibc = numericVersion(libc.family === 'glibc' ? libc.version : null);
    const clone3 = binaryLibc(r) === 'glibc' && !!glibc && compareVersions(glibc, [2, 34]) >= 0;
    const container = host.image ? `image ${host.image.ref ?? host.image.file}` : host.container.runtime ? `${host.container.runtime} container` : null;
    if (!clone3 || !container) return null;
    const engine = host.container.runtimeVersions?.dockerd ?? null;
    const engineV = numericVersion(engine);
    const evidence = [`${target.name}: glibc ${libc.version}`, `${target.name}: ${container}`, `interpreter ${r.linkage.interpreter}`];
    if (engineV) {
      if (compareVersions(engineV, [20, 10, 10]) >= 0) return null;
      return {
        title: `glibc ${libc.version} calls clone3, which Docker ${engine}'s seccomp profile rejects with EPERM`,
        evidence: [...evidence, `${target.name}: Docker engine dockerd ${engine} (clone3 allowed from 20.10.10)`],
      };
    }
    const client = host.container.runtimeVersions?.docker;
    return {
      severity: 'info',
      title: `glibc ${libc.version} calls clone3; the version of the Docker engine that runs it is unknown`,
      evidence: [
        ...evidence,
        client
          ? `${target.name}: only the docker client ${client} was found; the engine (dockerd) that runs containers may be another version, on another machine`
          : `${target.name}: no Docker engine (dockerd) version was read`,
      ],
      fix: 'Under a Docker engine < 20.10.10 the cgo runtime aborts with "runtime/cgo: pthread_create failed: Operation not permitted". Ask the daemon: docker version --format \'{{.Server.Version}}\', or check with --host on the machine that runs dockerd.',
    };
  }),
} satisfies Checks<CheckInput>;
