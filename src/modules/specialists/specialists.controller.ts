import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { UuidParam } from '../../common/dto/uuid.param';
import { IfMatch } from '../../common/http/etag';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import { CertificationsService } from './certifications.service';
import {
  CertificationParams,
  CertificationResponse,
  CreateCertificationDto,
  UpdateCertificationDto,
} from './dto/certification.dto';
import {
  CeHoursResponse,
  CreateCeHoursDto,
  CreateSupervisionHoursDto,
  SupervisionHoursResponse,
} from './dto/hours.dto';
import { SpecialistResponse, UpdateSpecialistDto } from './dto/specialist.response';
import { SpecialistsService } from './specialists.service';

@ApiTags('specialists')
@Controller('api/v1/specialists/:id')
export class SpecialistsController {
  constructor(
    private readonly specialists: SpecialistsService,
    private readonly certifications: CertificationsService,
  ) {}

  @Get()
  @RequirePermission(Permission.SpecialistRead)
  @ApiOperation({ summary: 'A specialist’s profile (self, their supervisors, admins)' })
  @ApiOkResponse({ type: SpecialistResponse })
  get(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
  ): Promise<SpecialistResponse> {
    return this.specialists.get(actor, id);
  }

  @Patch()
  @RequirePermission(Permission.SpecialistSupervise)
  @ApiOperation({ summary: 'Set the specialist’s caseload cap (supervisor, admin; If-Match)' })
  @ApiOkResponse({ type: SpecialistResponse })
  update(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @IfMatch() version: number,
    @Body() dto: UpdateSpecialistDto,
  ): Promise<SpecialistResponse> {
    return this.specialists.update(actor, id, version, dto);
  }

  @Post('certifications')
  @HttpCode(201)
  @Idempotent()
  // Credentials gate note signing: verified and recorded by supervisors or admins, never self-attested.
  @RequirePermission(Permission.SpecialistSupervise)
  @ApiOperation({ summary: 'Add a certification (supervisor, admin)' })
  @ApiCreatedResponse({ type: CertificationResponse })
  addCertification(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Body() dto: CreateCertificationDto,
  ): Promise<CertificationResponse> {
    return this.certifications.create(actor, id, dto);
  }

  @Patch('certifications/:certificationId')
  @RequirePermission(Permission.SpecialistSupervise)
  @ApiOperation({ summary: 'Correct or renew a certification (supervisor, admin; If-Match)' })
  @ApiOkResponse({ type: CertificationResponse })
  updateCertification(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id, certificationId }: CertificationParams,
    @IfMatch() version: number,
    @Body() dto: UpdateCertificationDto,
  ): Promise<CertificationResponse> {
    return this.certifications.update(actor, { specialistId: id, certificationId }, version, dto);
  }

  @Post('ce-hours')
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.SpecialistManage)
  @ApiOperation({ summary: 'Record continuing-education hours' })
  @ApiCreatedResponse({ type: CeHoursResponse })
  addCeHours(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Body() dto: CreateCeHoursDto,
  ): Promise<CeHoursResponse> {
    return this.specialists.addCeHours(actor, id, dto);
  }

  @Post('supervision-hours')
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.SpecialistSupervise)
  @ApiOperation({ summary: 'Record supervision hours (supervisor, admin)' })
  @ApiCreatedResponse({ type: SupervisionHoursResponse })
  addSupervisionHours(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @Body() dto: CreateSupervisionHoursDto,
  ): Promise<SupervisionHoursResponse> {
    return this.specialists.addSupervisionHours(actor, id, dto);
  }
}
