import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';

import { AuthModule } from './auth/auth.module';
import { JwtAuthGuard } from './auth/guards/jwt-auth.guard';
import { PermissionGuard } from './auth/guards/permission.guard';
import { ProblemFilter } from './common/errors/problem.filter';
import { CoreModule } from './core.module';
import { HealthModule } from './health/health.module';
import { AuditModule } from './modules/audit/audit.module';
import { ApiClientsModule } from './modules/api-clients/api-clients.module';
import { AssessmentsModule } from './modules/assessments/assessments.module';
import { CaseloadsModule } from './modules/caseloads/caseloads.module';
import { ClientsModule } from './modules/clients/clients.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { GroupSessionsModule } from './modules/group-sessions/group-sessions.module';
import { SessionNotesModule } from './modules/session-notes/session-notes.module';
import { RecoveryPlansModule } from './modules/recovery-plans/recovery-plans.module';
import { SpecialistsModule } from './modules/specialists/specialists.module';
import { TeamsModule } from './modules/teams/teams.module';
import { UsersModule } from './modules/users/users.module';
import { DischargesModule } from './modules/discharges/discharges.module';
import { FollowUpsModule } from './modules/follow-ups/follow-ups.module';
import { ReportsModule } from './modules/reports/reports.module';
import { OrganizationsModule } from './modules/organizations/organizations.module';
import { ConsentsModule } from './modules/consents/consents.module';
import { RelapsePreventionModule } from './modules/relapse-prevention/relapse-prevention.module';
import { ResourcesModule } from './modules/resources/resources.module';
import { ReferralsOutModule } from './modules/referrals-out/referrals-out.module';
import { DisclosuresModule } from './modules/disclosures/disclosures.module';
import { FhirModule } from './modules/fhir/fhir.module';
import { IntegrationsModule } from './modules/integrations/integrations.module';
import { WebhooksModule } from './modules/webhooks/webhooks.module';
import { QueueDashboardModule } from './queue/queue-dashboard.module';

/** The HTTP API. Guards are global and deny by default (STYLE section 4). */
@Module({
  imports: [
    CoreModule,
    AuditModule,
    HealthModule,
    AuthModule,
    UsersModule,
    TeamsModule,
    ApiClientsModule,
    NotificationsModule,
    RecoveryPlansModule,
    AssessmentsModule,
    ClientsModule,
    SpecialistsModule,
    CaseloadsModule,
    SessionNotesModule,
    GroupSessionsModule,
    FollowUpsModule,
    DischargesModule,
    IntegrationsModule,
    WebhooksModule,
    ReportsModule,
    OrganizationsModule,
    ConsentsModule,
    RelapsePreventionModule,
    ResourcesModule,
    ReferralsOutModule,
    DisclosuresModule,
    FhirModule,
    QueueDashboardModule,
  ],
  providers: [
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: PermissionGuard },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
})
export class AppModule {}
