import { rowToDto, validateRow } from './resource-csv';

describe('resource CSV rows', () => {
  it('should read lists, hours, numbers and flags, and take off the export’s formula guard', () => {
    expect(
      rowToDto({
        id: '',
        name: "'=Harbor",
        categories: 'housing; food',
        description: '',
        latitude: '40.5',
        longitude: '-75',
        hours: 'mon 09:00-17:00; SAT 22:00-02:00',
        phone: "'+1-555-0101",
        languages: 'en;es',
        active: 'false',
      }),
    ).toEqual({
      name: '=Harbor',
      categories: ['housing', 'food'],
      description: null,
      latitude: 40.5,
      longitude: -75,
      hours: [
        { day: 'mon', opens: '09:00', closes: '17:00' },
        { day: 'sat', opens: '22:00', closes: '02:00' },
      ],
      phone: '+1-555-0101',
      languages: ['en', 'es'],
      active: false,
    });
  });

  it('should name every error of a row with its spreadsheet row number', async () => {
    const { errors } = await validateRow(
      {
        name: '',
        categories: 'spa',
        hours: 'monday 9-5',
        latitude: '40',
        longitude: '',
        active: 'yes',
      },
      3,
    );
    expect(errors).toEqual([
      { field: 'row 3.active', message: 'active must be a boolean value' },
      {
        field: 'row 3.categories',
        message: expect.stringContaining('each value in categories must be one of'),
      },
      { field: 'row 3.hours', message: 'hours must be like "mon 09:00-17:00; sat 10:00-14:00"' },
      { field: 'row 3.longitude', message: 'latitude and longitude must be given together' },
      { field: 'row 3.name', message: 'name must be longer than or equal to 1 characters' },
    ]);
  });

  it('should require name and categories of a new resource only', async () => {
    expect((await validateRow({ phone: '1' }, 2)).errors).toEqual([
      { field: 'row 2.categories', message: 'categories is required for a new resource' },
      { field: 'row 2.name', message: 'name is required for a new resource' },
    ]);
    expect(
      (await validateRow({ id: '9b2f4c1e-8a57-4d7e-9c39-3f2f0b6f2a10', phone: '1' }, 2)).errors,
    ).toEqual([]);
  });
});
