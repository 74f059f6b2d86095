import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class UuidParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  readonly id: string;
}
