import { Assessment } from './assessment.entity';
import { isAtOrAboveRemissionThreshold } from './barc10';
import { AssessmentResponse } from './dto/assessment.response';

export function toAssessmentResponse(a: Assessment): AssessmentResponse {
  return {
    id: a.id,
    clientId: a.clientId,
    instrument: a.instrument,
    answers: [...a.answers],
    total: a.total,
    atOrAboveRemissionThreshold: isAtOrAboveRemissionThreshold(a.total),
    administeredAt: a.administeredAt.toISOString(),
    administeredById: a.administeredById,
    createdAt: a.createdAt.toISOString(),
  };
}
