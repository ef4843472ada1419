import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TClassifierReport } from '@deskmate/shared';
import { classifierApi } from '../api/client';
import { formatDateTime } from '../lib/format';
import { Loading } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { useToast } from '../ui/Toasts';
import { ChartCard } from './ChartCard';

const percent = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);
const shown = (rate: number | null) => (rate === null ? '—' : `${percent(rate)}%`);

/** Agreement of the classifier with the agents, week by week, and (for admins) a retrain button. */
export function ClassifierAgreement({
  report,
  canRetrain,
}: {
  report: TClassifierReport | undefined;
  canRetrain: boolean;
}) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const retrain = useMutation({
    mutationFn: classifierApi.retrain,
    onSuccess: () => {
      toast('Retraining queued: the new model is used as soon as it is trained');
      void queryClient.invalidateQueries({ queryKey: ['report', 'classifier'] });
    },
  });
  const weeks = (report?.weeks ?? []).map((w) => ({
    week: w.weekStart,
    overall: percent(w.agreement),
    priority: percent(w.priority.agreement),
    category: percent(w.category.agreement),
    classified: w.classified,
    corrected: w.corrected,
  }));
  return (
    <ChartCard
      title="Classifier agreement with agents"
      wide
      csv={{
        filename: 'deskmate-classifier-agreement.csv',
        rows: weeks,
        columns: [
          { header: 'week_start', value: (r) => r.week },
          { header: 'classified', value: (r) => r.classified },
          { header: 'corrected', value: (r) => r.corrected },
          { header: 'agreement_%', value: (r) => r.overall },
          { header: 'priority_agreement_%', value: (r) => r.priority },
          { header: 'category_agreement_%', value: (r) => r.category },
        ],
      }}
    >
      {!report ? (
        <Loading />
      ) : (
        <>
          <p>
            Of {report.overall.classified} tickets whose priority or category the classifier set,{' '}
            {report.overall.corrected} were corrected by an agent within {report.correctionWindowDays} days of filing:{' '}
            {shown(report.overall.agreement)} agreement (priority {shown(report.overall.priority.agreement)}, category{' '}
            {shown(report.overall.category.agreement)}).
          </p>
          {report.overall.classified ? (
            <div className="chart">
              <ResponsiveContainer>
                <LineChart data={weeks} margin={{ left: -20, right: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                  <XAxis dataKey="week" tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                  <YAxis domain={[0, 100]} unit="%" tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                  <Tooltip />
                  <Legend />
                  <Line type="linear" dataKey="overall" name="Agreement" stroke="var(--primary)" strokeWidth={2} />
                  <Line type="linear" dataKey="priority" name="Priority" stroke="#d9730d" dot={false} />
                  <Line type="linear" dataKey="category" name="Category" stroke="#2f9e5b" dot={false} />
                </LineChart>
              </ResponsiveContainer>
            </div>
          ) : (
            <p className="muted">No ticket was classified in this range.</p>
          )}
          <div className="row wrap">
            <span className="muted small">
              {report.model
                ? `Model ${report.model.version}, trained ${formatDateTime(report.model.trainedAt)} on the shipped examples and ${report.model.corrections} corrected tickets.`
                : 'The shipped model: not retrained on this desk’s corrections yet.'}{' '}
              {report.corrections} corrections kept.
            </span>
            {canRetrain && (
              <button
                type="button"
                className="btn btn-secondary btn-sm"
                disabled={retrain.isPending}
                onClick={() => retrain.mutate()}
              >
                Retrain now
              </button>
            )}
          </div>
          <ErrorMessage error={retrain.error} />
        </>
      )}
    </ChartCard>
  );
}
