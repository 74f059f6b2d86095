import { Hl7ErrorCode, Hl7Rejection, parseEr7, readDischarge, readHeader } from './adt-message';
import { adt } from '../../../../test/helpers/hl7';
import { ackOf } from './hl7-ack';

const rejection = (fn: () => unknown): Hl7Rejection => {
  try {
    fn();
  } catch (err) {
    if (err instanceof Hl7Rejection) return err;
    throw err;
  }
  throw new Error('expected a rejection');
};

describe('ADT message mapping', () => {
  it('should map every field of an A03 when all are present', () => {
    const sut = parseEr7(adt());
    expect(readHeader(sut)).toEqual({
      controlId: 'MSG0001',
      sender: 'EPIC^RIVERSIDE',
      event: 'A03',
    });
    expect(readDischarge(sut)).toEqual({
      person: {
        identifiers: [
          { system: 'urn:oid:2.16.840.1.113883.19.5', value: 'MRN123' },
          { system: 'MEDICAID', value: 'MCD-9' },
        ],
        firstName: 'Jane',
        lastName: 'Doe',
        dateOfBirth: '1988-03-04',
      },
      facility: 'RIVERSIDE DETOX',
      levelOfCare: 'inpatient',
      admittedAt: '2026-11-25T14:00:00.000Z',
      dischargedAt: '2026-12-01T13:00:00.000Z',
      disposition: 'home',
      planned: true,
    });
  });

  it('should prefer a field’s own offset over the message time zone', () => {
    const sut = parseEr7(adt({ pv1: { 45: '20261201080000+0100' } }));
    expect(readDischarge(sut).dischargedAt).toBe('2026-12-01T07:00:00.000Z');
  });

  it('should map the level of care from PV1-2, or from a substance-use service in PV1-10', () => {
    const level = (pv1: Record<number, string>) =>
      readDischarge(parseEr7(adt({ pv1 }))).levelOfCare;
    expect(level({ 2: 'E' })).toBe('emergency_department');
    expect(level({ 2: 'O' })).toBe('outpatient');
    expect(level({ 2: 'I', 10: 'DTX' })).toBe('withdrawal_management');
    expect(level({ 2: 'I', 10: 'RES' })).toBe('residential');
    expect(level({ 2: 'O', 10: 'IOP' })).toBe('intensive_outpatient');
    expect(rejection(() => level({ 2: 'P' }))).toMatchObject({
      ack: 'AE',
      code: Hl7ErrorCode.TableValueNotFound,
      location: 'PV1-2',
    });
  });

  it('should take MSH-4 as the facility when PV1-3 names none', () => {
    const sut = parseEr7(adt({ pv1: { 3: '4W^401^A' } }));
    expect(readDischarge(sut).facility).toBe('RIVERSIDE');
  });

  it('should mark a discharge against medical advice (PV1-36 07) unplanned and keep unknown codes', () => {
    expect(readDischarge(parseEr7(adt({ pv1: { 36: '07' } })))).toMatchObject({
      disposition: 'left against medical advice',
      planned: false,
    });
    expect(readDischarge(parseEr7(adt({ pv1: { 36: '99' } }))).disposition).toBe('99');
  });

  it('should accept a message without the optional PV1-36 and PV1-44', () => {
    const sut = readDischarge(parseEr7(adt({ pv1: { 36: '', 44: '' } })));
    expect(sut.disposition).toBeNull();
    expect(sut.planned).toBe(true);
    expect(sut.admittedAt).toBe(sut.dischargedAt);
  });

  it('should reject missing required fields with their location (AE 101)', () => {
    const cases: [Parameters<typeof adt>[0], string][] = [
      [{ pid3: '' }, 'PID-3'],
      [{ pid5: 'Doe' }, 'PID-5'],
      [{ pid7: '' }, 'PID-7'],
      [{ pv1: { 45: '' } }, 'PV1-45'],
      [{ pv1: { 2: '' } }, 'PV1-2'],
    ];
    for (const [o, location] of cases) {
      expect(rejection(() => readDischarge(parseEr7(adt(o))))).toMatchObject({
        ack: 'AE',
        code: Hl7ErrorCode.RequiredFieldMissing,
        location,
      });
    }
  });

  it('should reject a bad date or an instant without any time zone (AE 102)', () => {
    expect(rejection(() => readDischarge(parseEr7(adt({ pid7: '1988-03-04' }))))).toMatchObject({
      code: Hl7ErrorCode.DataTypeError,
      location: 'PID-7',
    });
    const noZone = rejection(() => readDischarge(parseEr7(adt({ msh7: '20261201083000' }))));
    expect(noZone).toMatchObject({ code: Hl7ErrorCode.DataTypeError, location: 'PV1-45' });
    expect(noZone.message).toBe('PV1-45 has no time zone, and neither has MSH-7.');
  });

  it('should reject a malformed segment and a text without MSH (AR)', () => {
    expect(
      rejection(() => readHeader(parseEr7(adt({ extra: ['not a segment|x'] })))),
    ).toMatchObject({
      ack: 'AR',
      code: Hl7ErrorCode.SegmentSequence,
      location: 'segment 5',
    });
    expect(rejection(() => parseEr7('hello'))).toMatchObject({ ack: 'AR' });
  });

  it('should reject another message type or event (AR 200/201) and a missing MSH-10', () => {
    const oru = adt().replace('ADT^A03^ADT_A03', 'ORU^R01^ORU_R01');
    expect(rejection(() => readHeader(parseEr7(oru)))).toMatchObject({
      ack: 'AR',
      code: Hl7ErrorCode.UnsupportedMessageType,
    });
    expect(rejection(() => readHeader(parseEr7(adt({ event: 'A08' }))))).toMatchObject({
      ack: 'AR',
      code: Hl7ErrorCode.UnsupportedEventCode,
    });
    expect(rejection(() => readHeader(parseEr7(adt({ controlId: '' }))))).toMatchObject({
      ack: 'AR',
      location: 'MSH-10',
    });
  });

  it('should accept LF and CRLF segment separators', () => {
    expect(readHeader(parseEr7(adt().replace(/\r/g, '\r\n'))).controlId).toBe('MSG0001');
    expect(readHeader(parseEr7(adt().replace(/\r/g, '\n'))).event).toBe('A03');
  });

  it('should build an ACK with the reason in MSA-3 and ERR', () => {
    const message = parseEr7(adt());
    const ack = ackOf(
      message,
      new Hl7Rejection('AE', Hl7ErrorCode.RequiredFieldMissing, 'PV1-45', 'PV1-45 is missing.'),
    );
    const segments = ack.split('\r');
    expect(segments[0]).toMatch(
      /^MSH\|\^~\\&\|RB\|PEERPROG\|EPIC\|RIVERSIDE\^2\.16\.840\.1\.113883\.19\.5\^ISO\|/,
    );
    expect(segments[1]).toBe('MSA|AE|MSG0001|PV1-45 is missing.');
    expect(segments[2]).toBe(
      'ERR||PV1^1^45|101^PV1-45 is missing.^HL70357|E||||PV1-45 is missing.',
    );
    expect(ackOf(message).split('\r')[1]).toBe('MSA|AA|MSG0001|OK');
  });
});
