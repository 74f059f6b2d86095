export enum NoteStatus {
  Draft = 'draft',
  Signed = 'signed',
  Reviewed = 'reviewed',
}

export enum ContactType {
  InPerson = 'in_person',
  Phone = 'phone',
  Video = 'video',
  Text = 'text',
  OutreachAttempt = 'outreach_attempt',
  Collateral = 'collateral',
}

export enum NoteFormat {
  Narrative = 'narrative',
  Dap = 'DAP',
  Girp = 'GIRP',
  Soap = 'SOAP',
}

/** The twelve categories of SAMHSA's Core Competencies for Peer Workers in Behavioral Health Services. */
export enum PeerIntervention {
  Engagement = 'engagement',
  Support = 'support',
  SharingLivedExperience = 'sharing_lived_experience',
  PersonalizedSupport = 'personalized_support',
  RecoveryPlanning = 'recovery_planning',
  ResourceLinkage = 'resource_linkage',
  WellnessSkills = 'wellness_skills',
  CrisisSupport = 'crisis_support',
  Communication = 'communication',
  Collaboration = 'collaboration',
  LeadershipAdvocacy = 'leadership_advocacy',
  GrowthDevelopment = 'growth_development',
}

export enum RiskFlag {
  OverdoseRisk = 'overdose_risk',
  ReturnToUse = 'return_to_use',
  SuicidalIdeation = 'suicidal_ideation',
  HousingLoss = 'housing_loss',
  FoodInsecurity = 'food_insecurity',
  InterpersonalViolence = 'interpersonal_violence',
  LegalInvolvement = 'legal_involvement',
  MedicalConcern = 'medical_concern',
  LossOfSupport = 'loss_of_support',
}

/** Flags that notify the author's supervisors at once: the risk of death is immediate. */
export const CRISIS_FLAGS: readonly RiskFlag[] = [RiskFlag.OverdoseRisk, RiskFlag.SuicidalIdeation];

export enum ReviewDecision {
  Approved = 'approved',
  NeedsRevision = 'needs_revision',
}

/** The `sections` keys each format requires (SPEC section 12), in reading order. */
export const REQUIRED_SECTIONS: Record<NoteFormat, readonly string[]> = {
  [NoteFormat.Narrative]: ['narrative'],
  [NoteFormat.Dap]: ['data', 'assessment', 'plan'],
  [NoteFormat.Girp]: ['goals', 'intervention', 'response', 'plan'],
  [NoteFormat.Soap]: ['subjective', 'objective', 'assessment', 'plan'],
};

export const hasCrisisFlag = (flags: readonly string[]): boolean =>
  flags.some((f) => CRISIS_FLAGS.includes(f as RiskFlag));
