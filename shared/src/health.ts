import { z } from 'zod';

export const ZHealth = z.object({
  status: z.enum(['ok', 'unavailable']),
  database: z.enum(['up', 'down']),
  role: z.string(),
  version: z.string(),
});
export type THealth = z.infer<typeof ZHealth>;
