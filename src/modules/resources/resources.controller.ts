import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';

import { CurrentUser } from '../../auth/decorators/current-user.decorator';
import { RequirePermission } from '../../auth/decorators/require-permission.decorator';
import { Permission } from '../../auth/permissions';
import { UserPrincipal } from '../../auth/principal';
import { csvHeaderLine, wantsCsv } from '../../common/csv/csv';
import { ApiJsonOrCsvResponse } from '../../common/csv/csv.openapi';
import { ProblemResponse } from '../../common/dto/problem.response';
import { UuidParam } from '../../common/dto/uuid.param';
import { IfMatch } from '../../common/http/etag';
import { Idempotent } from '../idempotency/idempotency.interceptor';
import {
  CreateResourceDto,
  ListResourcesQuery,
  ResourceImportResponse,
  ResourcePageResponse,
  ResourceResponse,
  UpdateResourceDto,
} from './dto/resource.dto';
import { CsvBody } from './csv-body.decorator';
import { RESOURCE_CSV_COLUMNS } from './resource-csv';
import { ResourcesCsvService } from './resources-csv.service';
import { ResourcesService } from './resources.service';

@ApiTags('resources')
@Controller('api/v1/resources')
export class ResourcesController {
  constructor(
    private readonly resources: ResourcesService,
    private readonly csv: ResourcesCsvService,
  ) {}

  @Post()
  @HttpCode(201)
  @Idempotent()
  @RequirePermission(Permission.ResourceManage)
  @ApiOperation({ summary: 'Add a community resource to the organization’s directory' })
  @ApiCreatedResponse({ type: ResourceResponse })
  create(
    @CurrentUser() actor: UserPrincipal,
    @Body() dto: CreateResourceDto,
  ): Promise<ResourceResponse> {
    return this.resources.create(actor, dto);
  }

  @Get()
  @RequirePermission(Permission.ResourceRead)
  @ApiOperation({
    summary:
      'Search the directory: text, category, open now, distance from a point (nearest first; otherwise by name); `Accept: text/csv` exports it',
  })
  @ApiJsonOrCsvResponse(ResourcePageResponse, RESOURCE_CSV_COLUMNS, 'A page of the directory')
  list(
    @CurrentUser() actor: UserPrincipal,
    @Query() query: ListResourcesQuery,
    @Headers('accept') accept?: string,
  ): Promise<ResourcePageResponse | StreamableFile> {
    return wantsCsv(accept) ? this.csv.export(actor, query) : this.resources.list(actor, query);
  }

  @Post('import')
  @HttpCode(200)
  @RequirePermission(Permission.ResourceManage)
  @ApiOperation({
    summary:
      'Import resources from CSV (the export’s columns; a row with an id updates that resource): every row is validated first, then all are applied or none',
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: `${csvHeaderLine(RESOURCE_CSV_COLUMNS)}\n` } })
  @ApiOkResponse({ type: ResourceImportResponse })
  @ApiUnsupportedMediaTypeResponse({
    description: 'UNSUPPORTED_MEDIA_TYPE: the body is not text/csv',
    type: ProblemResponse,
  })
  importCsv(
    @CurrentUser() actor: UserPrincipal,
    @CsvBody() csv: string,
  ): Promise<ResourceImportResponse> {
    return this.csv.import(actor, csv);
  }

  @Get(':id')
  @RequirePermission(Permission.ResourceRead)
  @ApiOperation({ summary: 'Read a community resource' })
  @ApiOkResponse({ type: ResourceResponse })
  get(@CurrentUser() actor: UserPrincipal, @Param() { id }: UuidParam): Promise<ResourceResponse> {
    return this.resources.get(actor, id);
  }

  @Patch(':id')
  @RequirePermission(Permission.ResourceManage)
  @ApiOperation({
    summary: 'Update a community resource, or deactivate it (`active: false`) (If-Match)',
  })
  @ApiOkResponse({ type: ResourceResponse })
  update(
    @CurrentUser() actor: UserPrincipal,
    @Param() { id }: UuidParam,
    @IfMatch() version: number,
    @Body() dto: UpdateResourceDto,
  ): Promise<ResourceResponse> {
    return this.resources.update(actor, id, version, dto);
  }
}
