/** The largest JSON body the API reads (express.json over HTTP, the in-process transport alike). */
export const JSON_BODY_LIMIT_BYTES = 1024 * 1024;

/** PostgreSQL text cannot hold U+0000: refuse it at the door as bad JSON rather than fail later. */
export function refuseNul(_key: string, value: unknown): unknown {
  if (typeof value === 'string' && value.includes('\u0000')) throw new SyntaxError('strings may not contain U+0000');
  return value;
}
