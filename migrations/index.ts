import { CreateFoundation1764000000000 } from './1764000000000-CreateFoundation';
import { CreateClients1764000001000 } from './1764000001000-CreateClients';
import { CreateSharedCareTables1764000001500 } from './1764000001500-CreateSharedCareTables';
import { AddCaseloadProfiles1764000002000 } from './1764000002000-AddCaseloadProfiles';
import { CreatePlansGoalsAssessments1764000003000 } from './1764000003000-CreatePlansGoalsAssessments';
import { CreateSessionNotes1764000004000 } from './1764000004000-CreateSessionNotes';
import { CreateFollowUpScheduling1764000005000 } from './1764000005000-CreateFollowUpScheduling';
import { SealAuditChainInBatches1764000006000 } from './1764000006000-SealAuditChainInBatches';
import { IndexActivePlanReviews1764000007000 } from './1764000007000-IndexActivePlanReviews';
import { AddTeamActive1764000008000 } from './1764000008000-AddTeamActive';
import { AppRoleLogin1764000009000 } from './1764000009000-AppRoleLogin';
import { IdempotencyCommitted1764000010000 } from './1764000010000-IdempotencyCommitted';
import { CreateConsents1764000011000 } from './1764000011000-CreateConsents';
import { EnforceTeamMembershipRoles1764000012200 } from './1764000012200-EnforceTeamMembershipRoles';
import { AddApiClientTokenGeneration1764000012210 } from './1764000012210-AddApiClientTokenGeneration';
import { IdempotencySealedResponses1764000012500 } from './1764000012500-IdempotencySealedResponses';
import { AddApiClientKeysAndConsentVersion1764000013100 } from './1764000013100-AddApiClientKeysAndConsentVersion';
import { CreateDisclosures1764000013200 } from './1764000013200-CreateDisclosures';
import { AddGroupSessionStatus1764000013500 } from './1764000013500-AddGroupSessionStatus';
import { IndexSessionNoteGoals1764000013510 } from './1764000013510-IndexSessionNoteGoals';
import { LinkFollowUpAssessment1764000013520 } from './1764000013520-LinkFollowUpAssessment';
import { CreateResourcesAndReferralsOut1764000013600 } from './1764000013600-CreateResourcesAndReferralsOut';
import { CreateRelapsePreventionPlans1764000013700 } from './1764000013700-CreateRelapsePreventionPlans';
import { IndexSessionsForReports1764000013710 } from './1764000013710-IndexSessionsForReports';
import { CreateInboundIntegrations1764000013800 } from './1764000013800-CreateInboundIntegrations';
import { CreateWebhooks1764000013810 } from './1764000013810-CreateWebhooks';
import { AuditListReadsAndArraySeal1764000013900 } from './1764000013900-AuditListReadsAndArraySeal';
import { PartitionAuditEventByMonth1764000013910 } from './1764000013910-PartitionAuditEventByMonth';
import { CreateClientRetention1764000014200 } from './1764000014200-CreateClientRetention';
import { CreateClientSessionDays1764000014210 } from './1764000014210-CreateClientSessionDays';
import { IndexBarc10ForReports1764000014220 } from './1764000014220-IndexBarc10ForReports';
import { DropClientRetention1764000014230 } from './1764000014230-DropClientRetention';

/** Every migration, in order. The data source and the test setup both read this list. */
export const MIGRATIONS = [
  CreateFoundation1764000000000,
  CreateClients1764000001000,
  CreateSharedCareTables1764000001500,
  AddCaseloadProfiles1764000002000,
  CreatePlansGoalsAssessments1764000003000,
  CreateSessionNotes1764000004000,
  CreateFollowUpScheduling1764000005000,
  SealAuditChainInBatches1764000006000,
  IndexActivePlanReviews1764000007000,
  AddTeamActive1764000008000,
  AppRoleLogin1764000009000,
  IdempotencyCommitted1764000010000,
  CreateConsents1764000011000,
  EnforceTeamMembershipRoles1764000012200,
  AddApiClientTokenGeneration1764000012210,
  IdempotencySealedResponses1764000012500,
  AddApiClientKeysAndConsentVersion1764000013100,
  CreateDisclosures1764000013200,
  AddGroupSessionStatus1764000013500,
  IndexSessionNoteGoals1764000013510,
  LinkFollowUpAssessment1764000013520,
  CreateResourcesAndReferralsOut1764000013600,
  CreateRelapsePreventionPlans1764000013700,
  IndexSessionsForReports1764000013710,
  CreateInboundIntegrations1764000013800,
  CreateWebhooks1764000013810,
  AuditListReadsAndArraySeal1764000013900,
  PartitionAuditEventByMonth1764000013910,
  CreateClientRetention1764000014200,
  CreateClientSessionDays1764000014210,
  IndexBarc10ForReports1764000014220,
  DropClientRetention1764000014230,
];
