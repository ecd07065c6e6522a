/**
 * Groups request paths into routes for `--routes`, the live table and the Prometheus labels,
 * without letting a path with IDs in it create a route per request.
 *
 * A Go ≥ 1.23 ServeMux says which pattern matched (Request.Pattern): that is the route. Otherwise
 * segments that look like identifiers become `{id}`: numbers, UUIDs, long hex, and long tokens
 * mixing letters and digits. Past a bound on distinct routes, new ones fold into their first
 * segment (`/users/…`), then into one `other` route.
 */

/** Distinct routes kept verbatim before new ones fold into their first segment. */
export const MAX_ROUTES = 200;
/** Distinct first-segment folds before everything else is `other`. */
const MAX_FOLDS = 50;

const NUMBER = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]{8,}$/i;
const TOKEN = /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_-]{16,}$/;

/** `/users/42/orders/9f1c…` → `/users/{id}/orders/{id}`. */
export function pathShape(path: string): string {
  const q = path.indexOf('?');
  const p = q < 0 ? path : path.slice(0, q);
  return p
    .split('/')
    .map((seg) => (seg !== '' && (NUMBER.test(seg) || UUID.test(seg) || HEX.test(seg) || TOKEN.test(seg)) ? '{id}' : seg))
    .join('/');
}

/**
 * Assigns routes with a bounded number of distinct values over the whole trace. `exact` keeps each
 * path (without its query) as its own row — what the table shows without --routes — under the
 * same bound.
 */
export class RouteNamer {
  private readonly routes = new Set<string>();
  private readonly folds = new Set<string>();

  constructor(private readonly exact = false) {}

  route(path: string | null, pattern?: string | null): string {
    if (pattern && !this.exact) return pattern;
    if (path === null) return '(unknown)';
    const shape = this.exact ? path.split('?')[0] || '/' : pathShape(path);
    if (this.routes.has(shape)) return shape;
    if (this.routes.size < MAX_ROUTES) {
      this.routes.add(shape);
      return shape;
    }
    const first = shape.split('/')[1] ?? '';
    const fold = `/${first}/…`;
    if (this.folds.has(fold)) return fold;
    if (this.folds.size < MAX_FOLDS) {
      this.folds.add(fold);
      return fold;
    }
    return 'other';
  }
}
