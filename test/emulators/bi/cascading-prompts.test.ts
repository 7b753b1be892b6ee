import { describe, expect, it } from 'vitest';

import { answer, callJson, emulator, list, logon } from './helpers.js';

describe('cascading prompts', () => {
  it('keeps the child list locked until the parent is answered, then unlocks it', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    const before = await callJson(emu, token, '/raylight/v1/documents/6002/parameters');
    const [country, city] = list(before.body.parameters.parameter);
    expect(list(country.answer.info.lov.values.value).map((v: { $: string }) => v.$)).toContain(
      'France',
    );
    expect(city.answer.info.lov.parameters).toEqual({ id: 0 });
    expect(city.answer.info.lov.values).toBeUndefined();

    // Without lovInfo=false the pending parameters come back with the unlocked list.
    const step = await callJson(emu, token, '/raylight/v1/documents/6002/parameters', {
      method: 'PUT',
      body: { parameters: { parameter: { id: 0, answer: { values: { value: 'Japan' } } } } },
    });
    expect(step.status).toBe(200);
    const pending = step.body.parameters.parameter;
    expect(pending.name).toBe('City');
    expect(list(pending.answer.info.lov.values.value).map((v: { $: string }) => v.$)).toEqual([
      'Osaka',
      'Tokyo',
    ]);

    const done = await answer(emu, token, 6002, { 1: ['Tokyo'] });
    expect(done.body.success.id).toBe('6002');
  });

  it('asks for the child again when the parent answer changes', async () => {
    const emu = await emulator();
    const token = await logon(emu);
    expect(
      (await answer(emu, token, 6002, { 0: 'France', 1: ['Paris'] })).body.success,
    ).toBeDefined();
    const again = await answer(emu, token, 6002, { 0: 'Germany' });
    // lovInfo=false leaves the lists out of the reply; GET shows the new list.
    expect(again.body.parameters.parameter).toMatchObject({ name: 'City', answer: { info: {} } });
    expect(again.body.parameters.parameter.answer.info.lov).toBeUndefined();
    const params = await callJson(emu, token, '/raylight/v1/documents/6002/parameters');
    const city = list(params.body.parameters.parameter)[1];
    expect(city.answer.values).toBeUndefined();
    expect(list(city.answer.info.lov.values.value).map((v: { $: string }) => v.$)).toEqual([
      'Berlin',
      'Hamburg',
      'Munich',
    ]);
  });
});
