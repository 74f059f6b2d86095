import { createParamDecorator, ExecutionContext } from '@nestjs/common';

import { Principal } from '../principal';

/** The authenticated caller (a user or an API client), set by JwtAuthGuard. */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest().user,
);
