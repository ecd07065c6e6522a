/**
 * Parsed snapshots and reports by row id, most recently used kept, within a byte budget (their JSON
 * length). Stored documents never change, so a cached one is always right, with one server or
 * several on one Postgres. Without it every pushed report would parse every host's snapshot again.
 */
export class DocCache {
  private readonly docs = new Map<string, { doc: unknown; bytes: number }>();
  private bytes = 0;

  constructor(private readonly budget: number) {}

  get<T>(key: string): T | undefined {
    const e = this.docs.get(key);
    if (!e) return undefined;
    this.docs.delete(key);
    this.docs.set(key, e);
    return e.doc as T;
  }

  set(key: string, doc: unknown, bytes: number): void {
    if (bytes > this.budget || this.docs.has(key)) return;
    this.docs.set(key, { doc, bytes });
    this.bytes += bytes;
    for (const [k, e] of this.docs) {
      if (this.bytes <= this.budget) break;
      this.docs.delete(k);
      this.bytes -= e.bytes;
    }
  }
}
