// Small HTTP helpers of the gateway.

const KB = 1024;
export const MB = 1024 * KB;
/** Documented request size limits per signature method. */
export const LIMITS = { get: 32 * KB, v1Post: 1 * MB, tc3Post: 10 * MB } as const;

/** A single header value ("" and repeated headers count as given once). */
export const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** "application/json; charset=utf-8" → "application/json". */
export const mediaType = (v: string | undefined): string => {
  if (!v) return '';
  const semi = v.indexOf(';');
  return (semi < 0 ? v : v.slice(0, semi)).trim().toLowerCase();
};
