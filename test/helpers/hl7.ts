/** An ADT message with PV1 fields set by position (1-based), the rest empty. */
export function adt(
  o: {
    event?: string;
    msh7?: string;
    controlId?: string;
    pid3?: string;
    pid5?: string;
    pid7?: string;
    pv1?: Record<number, string>;
    extra?: string[];
  } = {},
): string {
  const pv1 = Array<string>(46).fill('');
  pv1[0] = 'PV1';
  const fields: Record<number, string> = {
    1: '1',
    2: 'I',
    3: '4W^401^A^RIVERSIDE DETOX',
    36: '01',
    44: '20261125090000',
    45: '20261201080000',
    ...o.pv1,
  };
  for (const [i, v] of Object.entries(fields)) pv1[Number(i)] = v;
  return [
    `MSH|^~\\&|EPIC|RIVERSIDE^2.16.840.1.113883.19.5^ISO|RB|PEERPROG|${o.msh7 ?? '20261201083000-0500'}||ADT^${o.event ?? 'A03'}^ADT_A03|${o.controlId ?? 'MSG0001'}|P|2.5.1`,
    `EVN|${o.event ?? 'A03'}|20261201083000`,
    `PID|1||${o.pid3 ?? 'MRN123^^^RIVERSIDE&2.16.840.1.113883.19.5&ISO^MR~MCD-9^^^MEDICAID^MA'}||${o.pid5 ?? 'Doe^Jane^Q'}||${o.pid7 ?? '19880304'}|F`,
    pv1.join('|'),
    ...(o.extra ?? []),
  ].join('\r');
}
