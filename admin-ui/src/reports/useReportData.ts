import { useQuery } from '@tanstack/react-query';
import { reportApi } from '../api/client';
import { keys } from '../api/keys';

/**
 * The data behind the reports, computed by the server over every ticket of the range that the
 * signed-in agent may see: the ticket report (volume, times, SLA, backlog, CSAT, breakdowns) and
 * the KB deflection report and the classifier's agreement with agents for the same range.
 */
export function useReportData(from: string, to: string) {
  const range = { from, to };
  const report = useQuery({ queryKey: keys.report('tickets', range), queryFn: () => reportApi.tickets(from, to) });
  const deflection = useQuery({
    queryKey: keys.report('deflection', range),
    queryFn: () => reportApi.deflection(from, to),
  });
  const classifier = useQuery({
    queryKey: keys.report('classifier', range),
    queryFn: () => reportApi.classifier(from, to),
  });
  return { report, deflection, classifier };
}
