import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';

import { UuidParam } from '../../../common/dto/uuid.param';
import { WEBHOOK_EVENTS, WebhookEventType } from '../webhook-events';

export class DeliveryParam extends UuidParam {
  @IsUUID()
  readonly deliveryId: string;
}

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://ehr.example.org/hooks/recovery-bridge', maxLength: 2000 })
  @MaxLength(2000)
  @IsString()
  readonly url: string;

  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true })
  @IsIn(WEBHOOK_EVENTS, { each: true })
  @ArrayUnique()
  @ArrayMinSize(1)
  @IsArray()
  readonly events: WebhookEventType[];

  /** The API client the endpoint delivers for: its consents decide what it receives */
  @ApiPropertyOptional({ format: 'uuid', example: '3b7e1c52-9d4f-4a8e-b6c1-5f2d8e9a0c13' })
  @IsOptional()
  @IsUUID()
  readonly apiClientId?: string;

  @IsOptional()
  @IsBoolean()
  readonly active?: boolean;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({
    example: 'https://ehr.example.org/hooks/recovery-bridge',
    maxLength: 2000,
  })
  @IsOptional()
  @MaxLength(2000)
  @IsString()
  readonly url?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENTS, isArray: true })
  @IsOptional()
  @IsIn(WEBHOOK_EVENTS, { each: true })
  @ArrayUnique()
  @ArrayMinSize(1)
  @IsArray()
  readonly events?: WebhookEventType[];

  /** true re-enables an endpoint that was disabled for failing */
  @IsOptional()
  @IsBoolean()
  readonly active?: boolean;
}

export class WebhookResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true })
  events: string[];

  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  apiClientId: string | null;

  active: boolean;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  disabledAt: string | null;

  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class CreatedWebhookResponse extends WebhookResponse {
  /** Shown once: the Standard Webhooks signing secret (whsec_...) */
  secret: string;
}

export class WebhookListResponse {
  items: WebhookResponse[];

  nextCursor: string | null;
}

export class WebhookAttemptResponse {
  @ApiProperty({ format: 'date-time' })
  attemptedAt: string;

  @ApiProperty({ nullable: true, type: Number })
  statusCode: number | null;

  durationMs: number;

  @ApiProperty({ nullable: true, type: String })
  error: string | null;
}

export class WebhookDeliveryResponse {
  @ApiProperty({ format: 'uuid', description: 'Also the webhook-id header' })
  id: string;

  eventType: string;

  @ApiProperty({ enum: ['pending', 'delivered', 'failed', 'cancelled'] })
  status: string;

  @ApiProperty({ nullable: true, type: String })
  statusReason: string | null;

  @ApiProperty({ type: [WebhookAttemptResponse] })
  attempts: WebhookAttemptResponse[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  deliveredAt: string | null;
}

export class WebhookDeliveryListResponse {
  items: WebhookDeliveryResponse[];

  nextCursor: string | null;
}
