import type { Request } from 'express';
import { AppError } from './errors.js';

/** The raw request body, refused past `limit` bytes without reading the rest. */
export async function readRaw(req: Request, limit: number): Promise<Buffer> {
  const declared = Number(req.get('content-length') ?? 0);
  if (declared > limit)
    throw new AppError('payload_too_large', `Request body is larger than the limit of ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit)
      throw new AppError('payload_too_large', `Request body is larger than the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
