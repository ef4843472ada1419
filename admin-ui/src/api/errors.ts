import { ApiError } from '@deskmate/shared';

export interface TErrorView {
  title: string;
  /** Field-level problems from a validation error (`body.title: must be at least 3 characters`). */
  details: string[];
  status: number | null;
}

function detailLines(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((d: unknown) => {
    if (d && typeof d === 'object' && 'message' in d) {
      const path = 'path' in d && typeof d.path === 'string' ? `${d.path.replace(/^body\./, '')}: ` : '';
      return [`${path}${String(d.message)}`];
    }
    return [];
  });
}

/** What the one error display shows for anything thrown by a query or an action. */
export function describeError(error: unknown): TErrorView {
  if (error instanceof ApiError) {
    return { title: error.message, details: detailLines(error.details), status: error.status };
  }
  if (error instanceof TypeError) {
    return { title: 'Cannot reach Deskmate. Check your connection and try again.', details: [], status: null };
  }
  if (error instanceof Error && error.name === 'ZodError') {
    return { title: 'The server answered in an unexpected shape. Reload the page.', details: [], status: null };
  }
  return { title: error instanceof Error ? error.message : 'Something went wrong', details: [], status: null };
}

export const isStatus = (error: unknown, status: number): boolean =>
  error instanceof ApiError && error.status === status;
