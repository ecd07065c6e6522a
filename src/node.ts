/** The Node entry point (`goready/node`): files and directories, host snapshots, ssh, container images. */
export * from './files.js';
export { collect, describeRoot } from './host/collect.js';
export { readSnapshot, validateSnapshot } from './host/snapshot.js';
export { sshSnapshot } from './host/ssh.js';
export { type ImageTarget, openImage } from './image/image.js';
