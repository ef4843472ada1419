import { useMemo, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatDuration } from '../lib/format';
import { backlogRows, breakdowns, businessTimes, compliance as complianceOf, minutesToMs } from '../lib/stats';
import { Loading, PageHeader } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { useUser } from '../auth/session';
import { ChartCard } from './ChartCard';
import { ClassifierAgreement } from './ClassifierAgreement';
import { useReportData } from './useReportData';
import { isAdmin } from '@deskmate/shared';

const DAY = 86_400_000;
const colors = { a: 'var(--primary)', b: '#d9730d', c: '#2f9e5b', d: '#c2410c' };
const dur = (ms: number | null) => (ms === null ? '—' : formatDuration(ms));
const mins = (minutes: number | null) => dur(minutesToMs(minutes));
const dateInput = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="stat card">
      <span className="muted small">{label}</span>
      <span className="stat-value">{value}</span>
    </div>
  );
}

function DataTable<T>({
  rows,
  columns,
}: {
  rows: readonly T[];
  columns: readonly { header: string; value: (r: T) => unknown }[];
}) {
  return (
    <details>
      <summary className="small">Data table</summary>
      <div className="table-wrap" tabIndex={0}>
        <table className="table">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.header} scope="col">
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>
                {columns.map((c) => (
                  <td key={c.header}>{String(c.value(r) ?? '—')}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

export default function ReportsPage() {
  const [toDay, setToDay] = useState(() => dateInput(Date.now()));
  const [fromDay, setFromDay] = useState(() => dateInput(Date.now() - 29 * DAY));
  const from = new Date(`${fromDay}T00:00:00Z`).toISOString();
  const to = new Date(Date.parse(`${toDay}T00:00:00Z`) + DAY).toISOString();
  const { report, deflection, classifier } = useReportData(from, to);
  const user = useUser();
  const data = report.data;
  const volume = data?.volume ?? [];
  const csat = data?.overall.csat ?? { responses: 0, average: null, satisfiedPercent: null, distribution: [] };
  const { byCategory, byAgent } = useMemo(() => (data ? breakdowns(data) : { byCategory: [], byAgent: [] }), [data]);
  const ages = useMemo(() => (data ? backlogRows(data) : []), [data]);
  const { byPriority: compliance, byGroup: groupCompliance } = useMemo(
    () => (data ? complianceOf(data.sla) : { byPriority: [], byGroup: [] }),
    [data],
  );
  const times = useMemo(() => (data ? businessTimes(data.sla) : []), [data]);
  const frt = data?.overall.firstResponse;
  const res = data?.overall.resolution;

  const setPreset = (days: number) => {
    setToDay(dateInput(Date.now()));
    setFromDay(dateInput(Date.now() - (days - 1) * DAY));
  };

  const error = report.error ?? deflection.error ?? classifier.error;
  return (
    <div className="page stack">
      <PageHeader title="Reports">
        <p className="muted">{data ? `${data.overall.created} tickets created in the range.` : ' '}</p>
      </PageHeader>
      <form className="row wrap card" aria-label="Date range" onSubmit={(e) => e.preventDefault()}>
        <label className="inline-field">
          <span>From</span>
          <input
            type="date"
            value={fromDay}
            max={toDay}
            onChange={(e) => e.target.value && setFromDay(e.target.value)}
          />
        </label>
        <label className="inline-field">
          <span>To</span>
          <input type="date" value={toDay} min={fromDay} onChange={(e) => e.target.value && setToDay(e.target.value)} />
        </label>
        {[7, 30, 90].map((d) => (
          <button key={d} type="button" className="btn btn-secondary btn-sm" onClick={() => setPreset(d)}>
            Last {d} days
          </button>
        ))}
      </form>
      <ErrorMessage error={error} />
      {report.isPending ? (
        <Loading label="Crunching the numbers…" />
      ) : (
        <>
          <div className="cards">
            <Stat label="Tickets created" value={String(data?.overall.created ?? 0)} />
            <Stat
              label="First response, median / p90"
              value={`${mins(frt?.medianMinutes ?? null)} / ${mins(frt?.p90Minutes ?? null)}`}
            />
            <Stat
              label="Resolution, median / p90"
              value={`${mins(res?.medianMinutes ?? null)} / ${mins(res?.p90Minutes ?? null)}`}
            />
            <Stat
              label="SLA compliance (first response / resolution)"
              value={
                data
                  ? `${data.sla.overall.firstResponse.compliancePercent ?? '—'}% / ${data.sla.overall.resolution.compliancePercent ?? '—'}%`
                  : '—'
              }
            />
            <Stat
              label="Deflection rate"
              value={deflection.data ? `${Math.round(deflection.data.rate * 1000) / 10}%` : '—'}
            />
            <Stat label="CSAT average" value={csat.average === null ? '—' : `${csat.average} / 5`} />
          </div>
          <div className="report-grid">
            <ChartCard
              title="Ticket volume"
              wide
              csv={{
                filename: 'deskmate-volume.csv',
                rows: volume,
                columns: [
                  { header: 'day', value: (r) => r.day },
                  { header: 'created', value: (r) => r.created },
                  { header: 'resolved', value: (r) => r.resolved },
                ],
              }}
            >
              <div className="chart">
                <ResponsiveContainer>
                  <LineChart data={volume} margin={{ left: -20, right: 8 }}>
                    <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                    <XAxis dataKey="day" tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                    <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                    <Tooltip />
                    <Legend />
                    <Line
                      type="linear"
                      dataKey="created"
                      name="Created"
                      stroke={colors.a}
                      strokeWidth={2}
                      dot={false}
                    />
                    <Line
                      type="linear"
                      dataKey="resolved"
                      name="Resolved"
                      stroke={colors.c}
                      strokeWidth={2}
                      dot={false}
                    />
                  </LineChart>
                </ResponsiveContainer>
              </div>
            </ChartCard>

            <ChartCard
              title="Response and resolution times (business hours)"
              csv={{
                filename: 'deskmate-times.csv',
                rows: times,
                columns: [
                  { header: 'segment', value: (r) => r.name },
                  { header: 'first_response_median_h', value: (r) => r.frMedian },
                  { header: 'first_response_p90_h', value: (r) => r.frP90 },
                  { header: 'resolution_median_h', value: (r) => r.resMedian },
                  { header: 'resolution_p90_h', value: (r) => r.resP90 },
                ],
              }}
            >
              {times.length ? (
                <div className="chart">
                  <ResponsiveContainer>
                    <BarChart data={times} margin={{ left: -20, right: 8 }}>
                      <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                      <XAxis dataKey="name" tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                      <YAxis unit="h" tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                      <Tooltip />
                      <Legend />
                      <Bar dataKey="frMedian" name="First response median" fill={colors.a} />
                      <Bar dataKey="frP90" name="First response p90" fill="#8b9cff" />
                      <Bar dataKey="resMedian" name="Resolution median" fill={colors.c} />
                      <Bar dataKey="resP90" name="Resolution p90" fill="#9bd3ae" />
                    </BarChart>
                  </ResponsiveContainer>
                </div>
              ) : (
                <p className="muted">No ticket with an SLA in this range.</p>
              )}
            </ChartCard>

            <ChartCard
              title="SLA compliance by priority"
              csv={{
                filename: 'deskmate-sla-priority.csv',
                rows: compliance,
                columns: [
                  { header: 'priority', value: (r) => r.name },
                  { header: 'first_response_%', value: (r) => r.firstResponse },
                  { header: 'resolution_%', value: (r) => r.resolution },
                ],
              }}
            >
              <div className="chart">
                <ResponsiveContainer>
                  <BarChart data={compliance} margin={{ left: -20, right: 8 }}>
                    <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                    <XAxis dataKey="name" tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                    <YAxis domain={[0, 100]} unit="%" tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                    <Tooltip />
                    <Legend />
                    <Bar dataKey="firstResponse" name="First response" fill={colors.a} />
                    <Bar dataKey="resolution" name="Resolution" fill={colors.c} />
                  </BarChart>
                </ResponsiveContainer>
              </div>
            </ChartCard>

            <ChartCard
              title="SLA compliance by group"
              csv={{
                filename: 'deskmate-sla-group.csv',
                rows: groupCompliance,
                columns: [
                  { header: 'group', value: (r) => r.name },
                  { header: 'first_response_%', value: (r) => r.firstResponse },
                  { header: 'resolution_%', value: (r) => r.resolution },
                ],
              }}
            >
              {groupCompliance.length ? (
                <div className="chart">
                  <ResponsiveContainer>
                    <BarChart data={groupCompliance} margin={{ left: -20, right: 8 }}>
                      <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                      <XAxis dataKey="name" tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                      <YAxis domain={[0, 100]} unit="%" tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                      <Tooltip />
                      <Legend />
                      <Bar dataKey="firstResponse" name="First response" fill={colors.a} />
                      <Bar dataKey="resolution" name="Resolution" fill={colors.c} />
                    </BarChart>
                  </ResponsiveContainer>
                </div>
              ) : (
                <p className="muted">No SLA figures per group for this range.</p>
              )}
            </ChartCard>

            <ChartCard
              title="Backlog age"
              csv={{
                filename: 'deskmate-backlog.csv',
                rows: ages,
                columns: [
                  { header: 'age', value: (r) => r.bucket },
                  { header: 'total', value: (r) => r.total },
                  { header: 'urgent', value: (r) => r.urgent },
                  { header: 'high', value: (r) => r.high },
                  { header: 'medium', value: (r) => r.medium },
                  { header: 'low', value: (r) => r.low },
                ],
              }}
            >
              <div className="chart">
                <ResponsiveContainer>
                  <BarChart data={ages} margin={{ left: -20, right: 8 }}>
                    <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                    <XAxis dataKey="bucket" tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                    <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                    <Tooltip />
                    <Legend />
                    <Bar dataKey="urgent" name="Urgent" stackId="p" fill={colors.d} />
                    <Bar dataKey="high" name="High" stackId="p" fill={colors.b} />
                    <Bar dataKey="medium" name="Medium" stackId="p" fill={colors.a} />
                    <Bar dataKey="low" name="Low" stackId="p" fill="#8a94a6" />
                  </BarChart>
                </ResponsiveContainer>
              </div>
            </ChartCard>

            <ChartCard
              title="Deflection"
              csv={{
                filename: 'deskmate-deflection.csv',
                rows: deflection.data?.topArticles ?? [],
                columns: [
                  { header: 'article', value: (r) => r.title },
                  { header: 'slug', value: (r) => r.slug },
                  { header: 'deflected', value: (r) => r.deflected },
                ],
              }}
            >
              {deflection.data ? (
                <>
                  <p>
                    Of {deflection.data.suggested} times articles were offered (wizard suggestions and help-centre
                    answers), {deflection.data.deflected} solved the problem with no ticket in the next 7 days (
                    {Math.round(deflection.data.rate * 1000) / 10}%).
                  </p>
                  {deflection.data.topArticles.length ? (
                    <div className="chart">
                      <ResponsiveContainer>
                        <BarChart data={deflection.data.topArticles} layout="vertical" margin={{ left: 20, right: 8 }}>
                          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                          <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                          <YAxis
                            type="category"
                            dataKey="title"
                            width={150}
                            tick={{ fontSize: 11, fill: 'var(--muted)' }}
                          />
                          <Tooltip />
                          <Bar dataKey="deflected" name="Deflected" fill={colors.c} />
                        </BarChart>
                      </ResponsiveContainer>
                    </div>
                  ) : (
                    <p className="muted">No article has deflected a ticket in this range yet.</p>
                  )}
                </>
              ) : (
                <Loading />
              )}
            </ChartCard>

            <ClassifierAgreement report={classifier.data} canRetrain={isAdmin(user)} />

            <ChartCard
              title="Customer satisfaction"
              csv={{
                filename: 'deskmate-csat.csv',
                rows: csat.distribution,
                columns: [
                  { header: 'rating', value: (r) => r.rating },
                  { header: 'count', value: (r) => r.count },
                ],
              }}
            >
              <p>
                {csat.responses} ratings · average {csat.average ?? '—'} · {csat.satisfiedPercent ?? '—'}% satisfied (4
                or 5)
              </p>
              <div className="chart">
                <ResponsiveContainer>
                  <BarChart data={csat.distribution} margin={{ left: -20, right: 8 }}>
                    <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                    <XAxis dataKey="rating" tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                    <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                    <Tooltip />
                    <Bar dataKey="count" name="Ratings" fill={colors.a} />
                  </BarChart>
                </ResponsiveContainer>
              </div>
            </ChartCard>

            {(
              [
                ['By category', byCategory, 'deskmate-by-category.csv'],
                ['By agent', byAgent, 'deskmate-by-agent.csv'],
              ] as const
            ).map(([title, rows, filename]) => {
              const columns = [
                { header: title === 'By agent' ? 'agent' : 'category', value: (r: (typeof rows)[number]) => r.name },
                { header: 'created', value: (r: (typeof rows)[number]) => r.created },
                { header: 'open', value: (r: (typeof rows)[number]) => r.open },
                { header: 'resolved', value: (r: (typeof rows)[number]) => r.resolved },
                { header: 'first_response_median', value: (r: (typeof rows)[number]) => dur(r.firstResponseMedianMs) },
                { header: 'resolution_median', value: (r: (typeof rows)[number]) => dur(r.resolutionMedianMs) },
                { header: 'resolution_p90', value: (r: (typeof rows)[number]) => dur(r.resolutionP90Ms) },
                { header: 'csat', value: (r: (typeof rows)[number]) => r.csatAverage },
              ];
              return (
                <ChartCard key={title} title={title} csv={{ filename, rows, columns }}>
                  <div className="chart">
                    <ResponsiveContainer>
                      <BarChart data={rows} margin={{ left: -20, right: 8 }}>
                        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                        <XAxis dataKey="name" tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                        <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: 'var(--muted)' }} />
                        <Tooltip />
                        <Legend />
                        <Bar dataKey="created" name="Created" fill={colors.a} />
                        <Bar dataKey="resolved" name="Resolved" fill={colors.c} />
                      </BarChart>
                    </ResponsiveContainer>
                  </div>
                  <DataTable rows={rows} columns={columns} />
                </ChartCard>
              );
            })}
          </div>
        </>
      )}
    </div>
  );
}
