/** The ER7 media types the HL7 v2 route reads (and answers in). */
export const HL7_CONTENT_TYPES = ['x-application/hl7-v2+er7', 'text/plain'] as const;
