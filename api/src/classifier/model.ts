import { createHash } from 'node:crypto';
import { asc, desc, lt, sql } from 'drizzle-orm';
import {
  ZExtraExample,
  classifierFingerprint,
  createClassifier,
  restoreClassifier,
  trainClassifier,
  type TClassifier,
  type TExtraExample,
} from '@deskmate/kb';
import { ZTicketCategory, ZTicketPriority } from '@deskmate/shared';
import type { Clock } from '../clock.js';
import type { Db, DbOrTx } from '../db/client.js';
import { classifierFeedback } from '../db/schema.js';
import { classifierModels } from '../db/schema-classifier.js';
import { publishLive } from '../live/bus.js';
import type { Logger } from '../logger.js';

/** Stored models kept besides the newest (for looking back; processes only load the newest). */
const keptModels = 5;

/**
 * The desk's corrections as training examples: one per ticket, labelled with the fields agents
 * corrected, in a fixed order so that the same corrections always train the same model.
 */
export async function correctionExamples(db: DbOrTx): Promise<TExtraExample[]> {
  const rows = await db
    .select({
      ticketId: classifierFeedback.ticketId,
      field: classifierFeedback.field,
      corrected: classifierFeedback.corrected,
      text: classifierFeedback.text,
    })
    .from(classifierFeedback)
    .orderBy(asc(classifierFeedback.ticketId), asc(classifierFeedback.field));
  const byTicket = new Map<string, TExtraExample>();
  for (const r of rows) {
    const example = byTicket.get(r.ticketId) ?? { text: r.text };
    const priority = ZTicketPriority.safeParse(r.corrected);
    const category = ZTicketCategory.safeParse(r.corrected);
    if (r.field === 'priority' && priority.success) example.priority = priority.data;
    if (r.field === 'category' && category.success) example.category = category.data;
    byTicket.set(r.ticketId, example);
  }
  return [...byTicket.values()].filter((e) => e.priority || e.category);
}

const hashOf = (examples: TExtraExample[]) => createHash('sha256').update(JSON.stringify(examples)).digest('hex');

export interface RetrainResult {
  /** False when the newest model was trained on the same data already (nothing to do). */
  trained: boolean;
  version: number;
  corrections: number;
}

/**
 * Train the desk's classifier on the shipped data plus its corrections and store it; every API
 * process is told (live bus) and loads it. Idempotent and safe with several workers: runs are
 * serialised by an advisory lock, and a run whose inputs (shipped data, model format and
 * corrections) are those of the newest stored model stores nothing.
 */
export async function retrainClassifier(
  db: Db,
  options: { clock: Clock; logger: Logger; reason: 'schedule' | 'manual'; requestedBy?: string | null },
): Promise<RetrainResult> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended('classifier:retrain', 0))`);
    const examples = await correctionExamples(tx);
    const examplesHash = hashOf(examples);
    const fingerprint = classifierFingerprint();
    const [newest] = await tx
      .select({
        version: classifierModels.version,
        fingerprint: classifierModels.fingerprint,
        examplesHash: classifierModels.examplesHash,
      })
      .from(classifierModels)
      .orderBy(desc(classifierModels.version))
      .limit(1);
    if (newest && newest.fingerprint === fingerprint && newest.examplesHash === examplesHash)
      return { trained: false, version: newest.version, corrections: examples.length };
    const started = Date.now();
    const trained = trainClassifier({ extraExamples: examples });
    const [row] = await tx
      .insert(classifierModels)
      .values({
        fingerprint,
        examplesHash,
        examples,
        corrections: examples.length,
        model: trained.model,
        reason: options.reason,
        requestedBy: options.requestedBy ?? null,
        trainedAt: options.clock.now(),
      })
      .returning({ version: classifierModels.version });
    const version = row!.version;
    await tx.delete(classifierModels).where(lt(classifierModels.version, version - keptModels));
    await publishLive(tx, { type: 'classifier.trained', visibility: 'internal' });
    options.logger.info(
      { version, corrections: examples.length, ms: Date.now() - started },
      'classifier retrained on the desk’s corrections',
    );
    return { trained: true, version, corrections: examples.length };
  });
}

export interface DeskClassifier {
  classifier: TClassifier;
  /** The stored model's version; null for the shipped model (nothing trained yet). */
  version: number | null;
}

/**
 * The newest stored model, or the shipped one when none is stored. A stored model of another
 * format or shipped data (an upgrade since it was trained) is trained again here from the
 * corrections it was trained on, so that every process still classifies alike until the next
 * retrain stores a fresh one.
 */
export async function loadDeskClassifier(db: DbOrTx, shipped: () => TClassifier): Promise<DeskClassifier> {
  const [newest] = await db
    .select({ version: classifierModels.version, model: classifierModels.model, examples: classifierModels.examples })
    .from(classifierModels)
    .orderBy(desc(classifierModels.version))
    .limit(1);
  if (!newest) return { classifier: shipped(), version: null };
  const restored = restoreClassifier(newest.model);
  if (restored) return { classifier: restored, version: newest.version };
  const examples = ZExtraExample.array().safeParse(newest.examples);
  return {
    classifier: examples.success ? createClassifier({ extraExamples: examples.data }) : shipped(),
    version: newest.version,
  };
}
