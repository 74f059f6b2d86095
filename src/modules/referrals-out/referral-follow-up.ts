/** Days after a referral out is sent that its connection check is due (organization setting). */
export const DEFAULT_REFERRAL_FOLLOW_UP_DAYS = 7;

/** The follow-up task's label: no PHI (the resource and the need live on the referral). */
export const REFERRAL_FOLLOW_UP_LABEL = 'referral connection check';

/** How long after its due time the check may still be made before the supervisors hear. */
export const REFERRAL_FOLLOW_UP_GRACE_DAYS = 2;

/** The outbox job id of a referral's follow-up task: one per referral. */
export const referralFollowUpJobId = (referralId: string): string =>
  `referral-out-follow-up.${referralId}`;
