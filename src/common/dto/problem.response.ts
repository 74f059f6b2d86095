import { ApiProperty } from '@nestjs/swagger';

export class FieldErrorResponse {
  @ApiProperty({ example: 'email' })
  field: string;

  @ApiProperty({ example: 'email must be an email' })
  message: string;
}

/** RFC 9457 problem details, as every error of the API is answered. */
export class ProblemResponse {
  @ApiProperty({ example: 'https://recovery-bridge.example/problems/validation-failed' })
  type: string;

  @ApiProperty({ example: 'Bad Request' })
  title: string;

  @ApiProperty({ example: 400 })
  status: number;

  @ApiProperty({ example: 'The request is invalid.' })
  detail: string;

  @ApiProperty({ example: 'VALIDATION_FAILED' })
  code: string;

  @ApiProperty({ example: '5d0c1c36-5a43-4b5e-9a4f-2c1b8f3e6a10' })
  correlationId: string;

  errors?: FieldErrorResponse[];
}
