import { Scenario } from './context';
import { s1Note } from './s1-note';
import { s2Caseload, s3Dashboard } from './s2-s3-caseloads';
import { s4Discharge } from './s4-discharge';
import { s4iInboundDischarge } from './s4i-inbound-discharge';
import { s5Worker } from './s5-worker';
import { s6AuthGet } from './s6-auth-get';
import { s7Login } from './s7-login';
import { s8CsvExport } from './s8-csv-export';
import { s9OutcomeReports } from './s9-outcome-reports';
import { s10WebhookDeliverer } from './s10-webhook-deliverer';
import { s13FhirRead, s13FhirSearch } from './s13-fhir';

/** In the order they run; the memory scenario (sustained mix of these) runs last. */
export const SCENARIOS: Scenario[] = [
  s1Note,
  s2Caseload,
  s3Dashboard,
  s4Discharge,
  s4iInboundDischarge,
  s5Worker,
  s6AuthGet,
  s7Login,
  s8CsvExport,
  s9OutcomeReports,
  s10WebhookDeliverer,
  s13FhirRead,
  s13FhirSearch,
];
