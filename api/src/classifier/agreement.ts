import { count, desc, sql } from 'drizzle-orm';
import type { TClassifierAgreement, TClassifierReport } from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { classifierFeedback } from '../db/schema.js';
import { classifierModels } from '../db/schema-classifier.js';
import { correctionWindowDays } from './feedback.js';

const DAY = 86_400_000;

interface Counts {
  classified: number;
  corrected: number;
  p_classified: number;
  p_corrected: number;
  c_classified: number;
  c_corrected: number;
}
type WeekRow = Counts & { week: string } & Record<string, unknown>;

const rate = (classified: number, corrected: number) =>
  classified ? Math.round(((classified - corrected) / classified) * 1000) / 1000 : null;

function agreementOf(r: Counts | undefined): TClassifierAgreement {
  const n = (k: keyof Counts) => Number(r?.[k] ?? 0);
  return {
    classified: n('classified'),
    corrected: n('corrected'),
    agreement: rate(n('classified'), n('corrected')),
    priority: {
      classified: n('p_classified'),
      corrected: n('p_corrected'),
      agreement: rate(n('p_classified'), n('p_corrected')),
    },
    category: {
      classified: n('c_classified'),
      corrected: n('c_corrected'),
      agreement: rate(n('c_classified'), n('c_corrected')),
    },
  };
}

/** Monday 00:00 UTC of the week of `d`. */
function weekStart(d: Date): Date {
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY);
}

/**
 * How often the classifier agreed with the agents, per week of filing: of the tickets whose
 * priority or category the classifier set, those where an agent changed such a field to another
 * value within the correction window (see isCorrection). Desk-wide counts: no ticket is named.
 */
export async function classifierReport(db: DbOrTx, range: { from: Date; to: Date }): Promise<TClassifierReport> {
  const { from, to } = range;
  const corrected = (field: 'priority' | 'category') =>
    sql.raw(`(p.${field}_used AND EXISTS (
      SELECT 1 FROM classifier_feedback f
      WHERE f.ticket_id = p.ticket_id AND f.field = '${field}' AND f.corrected <> p.${field}))`);
  const result = await db.execute<WeekRow>(sql`
    WITH p AS (
      SELECT to_char(date_trunc('week', p.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS week,
             p.priority_used AS pu, p.category_used AS cu,
             ${corrected('priority')} AS pc, ${corrected('category')} AS cc
      FROM classifier_predictions p
      WHERE (p.priority_used OR p.category_used) AND p.created_at >= ${from} AND p.created_at < ${to}
    )
    SELECT week,
           count(*)::int AS classified,
           count(*) FILTER (WHERE pc OR cc)::int AS corrected,
           count(*) FILTER (WHERE pu)::int AS p_classified,
           count(*) FILTER (WHERE pc)::int AS p_corrected,
           count(*) FILTER (WHERE cu)::int AS c_classified,
           count(*) FILTER (WHERE cc)::int AS c_corrected
    FROM p GROUP BY week ORDER BY week`);
  const byWeek = new Map(result.rows.map((r) => [r.week, r]));
  const weeks: TClassifierReport['weeks'] = [];
  for (let w = weekStart(from); w < to; w = new Date(w.getTime() + 7 * DAY)) {
    const key = w.toISOString().slice(0, 10);
    weeks.push({ weekStart: key, ...agreementOf(byWeek.get(key)) });
  }
  const totals = result.rows.reduce<Counts>(
    (sum, r) => ({
      classified: sum.classified + r.classified,
      corrected: sum.corrected + r.corrected,
      p_classified: sum.p_classified + r.p_classified,
      p_corrected: sum.p_corrected + r.p_corrected,
      c_classified: sum.c_classified + r.c_classified,
      c_corrected: sum.c_corrected + r.c_corrected,
    }),
    { classified: 0, corrected: 0, p_classified: 0, p_corrected: 0, c_classified: 0, c_corrected: 0 },
  );
  const [kept] = await db.select({ n: count() }).from(classifierFeedback);
  const [model] = await db
    .select({
      version: classifierModels.version,
      trainedAt: classifierModels.trainedAt,
      corrections: classifierModels.corrections,
      reason: classifierModels.reason,
    })
    .from(classifierModels)
    .orderBy(desc(classifierModels.version))
    .limit(1);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    correctionWindowDays,
    weeks,
    overall: agreementOf(totals),
    corrections: kept?.n ?? 0,
    model: model
      ? {
          version: model.version,
          trainedAt: model.trainedAt.toISOString(),
          corrections: model.corrections,
          reason: model.reason === 'manual' ? 'manual' : 'schedule',
        }
      : null,
  };
}
